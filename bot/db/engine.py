"""Async engine and session factory for SQLite (embedded default) and PostgreSQL.

URLs: ``sqlite+aiosqlite:///./data/kl44.db`` (the default; ``./data/`` is created),
``postgresql+asyncpg://user@host/db``. Plain ``sqlite:///…``, ``postgresql://…``,
``postgres://…`` and ``postgresql+psycopg2://…`` are converted to the async drivers.

SQLite connections get ``foreign_keys=ON``, WAL journal and a busy timeout, and
SQLAlchemy (not the sqlite3 driver) emits BEGIN, so SELECTs are inside the
transaction too. Write transactions (``write_session``) start with
``BEGIN IMMEDIATE`` on SQLite: the permission check and the write it guards see
the same database state, and two writers queue on the busy timeout instead of
failing with "database is locked" on lock upgrade.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/kl44.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "kl44_write"

SessionFactory = async_sessionmaker[AsyncSession]

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def normalize_url(url: str | URL | None = None) -> URL:
    """The async-driver form of a database URL (default: the embedded SQLite file)."""
    parsed = make_url(url or DEFAULT_DATABASE_URL)
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(f"unsupported database backend {backend!r}: use SQLite or PostgreSQL")
    return parsed.set(drivername=_ASYNC_DRIVERS[backend])


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and non-SQLite URLs."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _on_sqlite_connect(foreign_keys: bool) -> Any:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see the module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        finally:
            cursor.close()

    return connect


def _on_sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(
    url: str | URL | None = None,
    *,
    echo: bool = False,
    sqlite_foreign_keys: bool = True,
    **kwargs: Any,
) -> AsyncEngine:
    """An AsyncEngine for ``url``; creates the SQLite file's directory when missing."""
    parsed = normalize_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
    # Bound values are people's names, phones, places: never in errors or SQL logs.
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(parsed, echo=echo, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect(sqlite_foreign_keys))
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def write_session(session_factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One write transaction: commits on success, rolls back on any exception.

    Check permissions inside it, right before writing: on SQLite the transaction
    holds the write lock from its first statement, on PostgreSQL rows that must not
    change under the check are locked with ``SELECT … FOR UPDATE`` by the caller.
    """
    async with session_factory() as session, session.begin():
        await session.connection(execution_options={WRITE_OPTION: True})
        yield session


@asynccontextmanager
async def read_session(session_factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A read-only unit of work: one transaction, rolled back when the session closes."""
    async with session_factory() as session:
        yield session


@dataclass
class Database:
    """What the bot holds on to: the engine and its session factory."""

    engine: AsyncEngine
    session_factory: SessionFactory
    url: URL

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    async def dispose(self) -> None:
        await self.engine.dispose()


def connect(url: str | URL | None = None, **engine_kwargs: Any) -> Database:
    """Engine + session factory for ``url``, without touching the schema."""
    parsed = normalize_url(url)
    engine = make_engine(parsed, **engine_kwargs)
    return Database(engine=engine, session_factory=make_session_factory(engine), url=parsed)
