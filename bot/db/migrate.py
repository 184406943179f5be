"""Run the Alembic migrations from code, from any working directory.

``await upgrade(url)`` inside the bot (it upgrades on start), ``upgrade_sync(url)``
from a CLI with no running event loop. Migrations run in one transaction: on
PostgreSQL under an advisory lock (several replicas starting at once migrate one
after the other), on SQLite under ``BEGIN IMMEDIATE`` with foreign-key enforcement
off during the run and ``PRAGMA foreign_key_check`` before commit.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.engine import WRITE_OPTION, Database, connect, make_engine, normalize_url

HERE = Path(__file__).resolve().parent
ALEMBIC_INI = HERE / "alembic.ini"
MIGRATIONS_DIR = HERE / "migrations"
# pg_advisory_xact_lock key: "kl44" as an integer.
_PG_LOCK_KEY = 0x6B6C3434


class MigrationError(RuntimeError):
    pass


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations, whatever the cwd."""
    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    rendered = normalize_url(url).render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise MigrationError(f"expected one migration head, found {heads}")
    return heads[0]


async def _run(url: str | URL, action: str, revision: str) -> None:
    cfg = alembic_config(url)
    engine = make_engine(url, sqlite_foreign_keys=False, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(**{WRITE_OPTION: True})
            async with conn.begin():
                await _lock(conn)

                def run(sync_conn: Connection) -> None:
                    cfg.attributes["connection"] = sync_conn
                    if action == "upgrade":
                        command.upgrade(cfg, revision)
                    else:
                        command.downgrade(cfg, revision)

                await conn.run_sync(run)
                await _check(conn)
    finally:
        await engine.dispose()


async def _lock(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


async def _check(conn: AsyncConnection) -> None:
    if conn.dialect.name == "sqlite":
        problems = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
        if problems:
            raise MigrationError(f"foreign key violations after migration: {problems[:5]}")


async def upgrade(url: str | URL, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default: the latest)."""
    await _run(url, "upgrade", revision)


async def downgrade(url: str | URL, revision: str) -> None:
    await _run(url, "downgrade", revision)


def upgrade_sync(url: str | URL, revision: str = "head") -> None:
    """``upgrade`` for code with no running event loop (CLI, test setup)."""
    asyncio.run(upgrade(url, revision))


async def current_revision(url: str | URL) -> str | None:
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:

            def get(sync_conn: Connection) -> str | None:
                return MigrationContext.configure(sync_conn).get_current_revision()

            return await conn.run_sync(get)
    finally:
        await engine.dispose()


#: open_database's keyword ``upgrade`` hides the function of that name
run_upgrade = upgrade


async def open_database(url: str | URL | None = None, *, upgrade: bool = True) -> Database:
    """Upgrade the schema to the latest migration (unless told not to), then connect."""
    if upgrade:
        await run_upgrade(str(normalize_url(url).render_as_string(hide_password=False)))
    return connect(url)
