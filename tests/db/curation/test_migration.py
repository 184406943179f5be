"""Migration 0004 creates exactly what bot/db/models_curation.py describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db import models_curation  # noqa: F401  (tables in the metadata)
from bot.db.engine import Database
from bot.db.models import Base

TABLES = {
    "curation_questions",
    "curation_phrasings",
    "curation_ratings",
    "curation_daily_counts",
}


def _names(change: object) -> set[str]:
    if isinstance(change, list):
        return set().union(*(_names(c) for c in change)) if change else set()
    out: set[str] = set()
    for part in change if isinstance(change, tuple) else ():
        for candidate in (
            getattr(part, "name", None),
            getattr(getattr(part, "table", None), "name", None),
        ):
            if isinstance(candidate, str):
                out.add(candidate)
        if isinstance(part, str):
            out.add(part)
    return out


async def test_curation_tables_match_the_models(database: Database) -> None:
    def diff(conn: Connection) -> tuple[set[str], list[object]]:
        tables = set(inspect(conn).get_table_names())
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return tables, compare_metadata(ctx, Base.metadata)

    async with database.engine.connect() as conn:
        tables, changes = await conn.run_sync(diff)
    assert tables >= TABLES
    ours = [c for c in changes if _names(c) & TABLES]
    assert ours == []
