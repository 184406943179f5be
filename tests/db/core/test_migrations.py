"""Migrations: head is reached, models and migrations agree, downgrade/upgrade round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, StatementError

from bot.db.engine import Database, write_session
from bot.db.migrate import current_revision, downgrade, head_revision, upgrade
from bot.db.models import Base, User

EXPECTED_TABLES = {
    "users",
    "agencies",
    "tasks",
    "task_agencies",
    "roles",
    "join_codes",
    "memberships",
    "progress_updates",
    "audit_log",
    "bot_state",
}


async def test_database_is_at_head(database: Database, db_url: str) -> None:
    assert await current_revision(db_url) == head_revision()
    async with database.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert tables >= EXPECTED_TABLES


async def test_models_match_migration_0001(database: Database) -> None:
    """Autogenerate finds nothing to add for the tables of 0001 (models == migration)."""

    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)

    async with database.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    ours = [c for c in changes if _touches(c, EXPECTED_TABLES)]
    assert ours == []


def _touches(change: object, tables: set[str]) -> bool:
    """True when an autogenerate diff entry concerns one of ``tables``."""
    if isinstance(change, list):
        return any(_touches(c, tables) for c in change)
    for part in change if isinstance(change, tuple) else ():
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if name in tables or getattr(table, "name", None) in tables:
            return True
        if isinstance(part, str) and part in tables:
            return True
    return False


async def test_downgrade_to_base_and_upgrade_again(database: Database, db_url: str) -> None:
    await database.engine.dispose()
    await downgrade(db_url, "base")
    assert await current_revision(db_url) is None
    await upgrade(db_url)
    await upgrade(db_url)  # idempotent: already at head
    assert await current_revision(db_url) == head_revision()


async def test_naive_datetime_refused_and_aware_returned(database: Database) -> None:
    with pytest.raises(StatementError):
        async with write_session(database.session_factory) as session:
            session.add(User(id=1, created_at=dt.datetime(2026, 1, 1, 9, 0)))
    aware = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    async with write_session(database.session_factory) as session:
        session.add(User(id=1, created_at=aware))
    async with database.session_factory() as session:
        stored = await session.scalar(select(User.created_at).where(User.id == 1))
    assert stored is not None and stored.tzinfo is not None
    assert stored == aware


async def test_foreign_keys_enforced(database: Database) -> None:
    from bot.db.models import Membership

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(IntegrityError):
        async with write_session(database.session_factory) as session:
            session.add(Membership(user_id=42, agency_id="nowhere", joined_at=now))
