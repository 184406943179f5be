"""Shared test fixtures: databases on SQLite AND PostgreSQL, the knowledge base, a clock.

Fixture API (use these; do not build your own engines in tests)
----------------------------------------------------------------
``database`` (async, function scope) -> ``bot.db.engine.Database``
    A fresh database migrated to the latest Alembic head, **parametrised over
    both backends**: every test that uses it (directly or through the fixtures
    below) runs twice, ids ``[sqlite]`` and ``[postgresql]``. Attributes:
    ``.url`` (sqlalchemy URL, async driver), ``.engine``, ``.session_factory``,
    ``.backend`` ("sqlite" / "postgresql"). Empty tables (no agencies yet).
``session_factory`` -> ``async_sessionmaker``: ``database.session_factory``.
``db_url`` -> ``str``: the database URL with the password rendered, e.g. for
    ``bot.db.migrate.open_database(db_url)`` or a bot Application under test.
``kb`` (session scope) -> ``knowledge.base.KnowledgeBase``: the curated KB, loaded once.
``synced_database`` -> ``Database``: ``database`` with agencies/tasks synced from ``kb``.
``synced_session_factory`` -> its session factory.
``clock`` -> ``bot.clock.ManualClock`` at 2026-03-02 09:00 Asia/Ho_Chi_Minh (a Monday);
    move it with ``clock.advance(hours=25)`` / ``clock.set(...)``.
``postgres_database`` -> ``Database``: like ``database`` but PostgreSQL only (not
    parametrised), for PostgreSQL-specific tests (concurrency, advisory locks).
``postgres_url_factory`` -> ``async () -> str``: creates one more fresh, migrated
    PostgreSQL database (dropped at the end of the test) and returns its URL.

How the databases are made
--------------------------
- SQLite: the migrations run once per test session into a template file; each
  test gets a copy of it under its own ``tmp_path``.
- PostgreSQL (``TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``):
  each test session creates a uniquely named template database
  (``kl44t_<random>_tpl``), migrates it once, and each test gets
  ``CREATE DATABASE kl44t_<random>_<n> TEMPLATE …``; every database is dropped
  when the test (or the session, for the template) ends. Names are random per
  session, so helpers running tests at the same time never collide.
- PostgreSQL unreachable: the ``[postgresql]`` params are skipped with the reason,
  unless ``REQUIRE_POSTGRES=1`` (CI), in which case they fail.

Marks: ``@pytest.mark.postgres`` is added to every PostgreSQL-parametrised test,
so ``pytest -m postgres`` / ``-m "not postgres"`` select one backend.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, SessionFactory, connect
from bot.db.migrate import upgrade

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
CLOCK_START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: runs against the PostgreSQL server (TEST_POSTGRES_URL)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and callspec.params.get("db_backend") == "postgresql"
        if on_pg or "postgres_database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def _require_postgres() -> bool:
    return os.environ.get("REQUIRE_POSTGRES", "").strip() not in {"", "0", "false", "no"}


def _admin_dsn() -> str:
    url = make_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_URL))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _db_url(name: str) -> str:
    url = make_url(_admin_dsn()).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


async def _pg_exec(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _run_isolated(make: Callable[[], Awaitable[object]]) -> object:
    """Run a coroutine to completion on a private event loop in a helper thread.

    Session-scoped setup may be reached from inside a running test loop (lazy
    fixtures), where ``asyncio.run`` is not allowed; a thread keeps them apart.
    """
    result: list[object] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(make()))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, name="db-setup")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL unavailable ({reason})"
    if _require_postgres():
        pytest.fail(f"{message} and REQUIRE_POSTGRES=1", pytrace=False)
    pytest.skip(f"{message}; set TEST_POSTGRES_URL or start the server")


class _PostgresTemplate:
    """A session's migrated template database and a counter for per-test copies."""

    def __init__(self) -> None:
        self.prefix = f"kl44t_{uuid.uuid4().hex[:12]}"
        self.template = f"{self.prefix}_tpl"
        self.error: str | None = None
        self.ready = False
        self._n = itertools.count(1)

    def setup(self) -> None:
        try:
            _run_isolated(lambda: _pg_exec(f'CREATE DATABASE "{self.template}"'))
        except Exception as exc:  # unreachable server, auth, ...
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            return
        _run_isolated(lambda: upgrade(_db_url(self.template)))
        self.ready = True

    def teardown(self) -> None:
        if self.ready:
            _run_isolated(
                lambda: _pg_exec(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            )

    def next_name(self) -> str:
        return f"{self.prefix}_{next(self._n)}"


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[_PostgresTemplate]:
    template = _PostgresTemplate()
    template.setup()
    try:
        yield template
    finally:
        template.teardown()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db-template") / "template.db"
    _run_isolated(lambda: upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


async def _new_postgres(template: _PostgresTemplate) -> str:
    if not template.ready:
        _unavailable(template.error or "not set up")
    name = template.next_name()
    await _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{template.template}"')
    return name


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database(
    db_backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Database]:
    if db_backend == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        db = connect(f"sqlite+aiosqlite:///{path}")
        try:
            yield db
        finally:
            await db.dispose()
        return
    pg: _PostgresTemplate = request.getfixturevalue("_pg_template")
    name = await _new_postgres(pg)
    db = connect(_db_url(name))
    try:
        yield db
    finally:
        await db.dispose()
        await _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_database(_pg_template: _PostgresTemplate) -> AsyncIterator[Database]:
    name = await _new_postgres(_pg_template)
    db = connect(_db_url(name))
    try:
        yield db
    finally:
        await db.dispose()
        await _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url_factory(
    _pg_template: _PostgresTemplate,
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    created: list[str] = []

    async def make() -> str:
        name = await _new_postgres(_pg_template)
        created.append(name)
        return _db_url(name)

    try:
        yield make
    finally:
        for name in created:
            await _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def session_factory(database: Database) -> SessionFactory:
    return database.session_factory


@pytest.fixture
def db_url(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def kb():  # -> knowledge.base.KnowledgeBase
    from knowledge.loader import load_knowledge

    return load_knowledge()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(CLOCK_START)


@pytest.fixture
async def synced_database(database: Database, kb, clock: ManualClock) -> Database:
    from bot.db.sync import sync_knowledge

    await sync_knowledge(database.session_factory, kb, clock=clock)
    return database


@pytest.fixture
def synced_session_factory(synced_database: Database) -> SessionFactory:
    return synced_database.session_factory
