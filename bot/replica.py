"""Several replicas on one PostgreSQL: exactly one is active, the others stand by.

The active replica holds a PostgreSQL session-level advisory lock on a connection of
its own. It alone builds the Application, fetches updates (through the inbox, see
bot/inbox.py) and runs the scheduled jobs. A standby tries the lock every
``STANDBY_POLL`` seconds; when the active replica dies its connection closes, the
lock is released with it, and a standby takes over: it builds a fresh Application,
which loads the conversation state, language choices and the knowledge base as they
are now, replays the updates the dead replica left unfinished, and polls on. The
active replica checks its lock every ``CHECK_EVERY`` seconds and steps down if the
connection is gone (a network split), so two replicas never poll at once for long.

With SQLite (one embedded file, one process) there is no lease: the only replica is
always active, and still takes its updates through the inbox, so a crash mid-step
loses nothing. ``REPLICA_MODE=off`` drops the lease on PostgreSQL too (one replica).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Any

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram.ext import Application

from bot.db.engine import make_engine, normalize_url
from bot.db.persistence import DatabasePersistence

log = logging.getLogger(__name__)

#: "kl44" + 3 (0: migrations, 1: knowledge-base sync, 2: scheduler leader)
LEASE_KEY = 0x6B6C3437
STANDBY_POLL = 2.0
CHECK_EVERY = 2.0


class Lease:
    """The active replica's PostgreSQL advisory lock, on a connection kept open."""

    def __init__(self, url: str, key: int = LEASE_KEY) -> None:
        self.engine = make_engine(normalize_url(url), poolclass=pool.NullPool)
        self.key = key
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._conn is not None:
            return await self.held()
        conn = await self.engine.connect()
        try:
            got = bool(
                (
                    await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
                ).scalar_one()
            )
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if got:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
            await self._conn.commit()
            return True
        except Exception:
            log.warning("the replica lease's connection is gone: stepping down")
            await self._drop()
            return False

    async def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                await self._conn.commit()
            await self._drop()
        await self.engine.dispose()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()


class SoloLease:
    """The only replica (SQLite, or REPLICA_MODE=off): always active."""

    async def try_acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


def install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def wait_for(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True if ``stop`` was set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


async def serve_replicated(
    lease: Lease | SoloLease,
    build: Callable[[], Application[Any, Any, Any, Any, Any, Any]],
    stop: asyncio.Event,
    *,
    on_active: Callable[[bool], None] | None = None,
) -> None:
    """Stand by until this replica holds the lease, then serve until ``stop`` or until
    the lease is lost (then stand by again)."""
    said_standby = False
    try:
        while not stop.is_set():
            try:
                active = await lease.try_acquire()
            except Exception as exc:  # database unreachable: stand by and retry
                log.warning("replica lease unavailable (%s); standing by", type(exc).__name__)
                active = False
            if not active:
                if not said_standby:
                    log.info(
                        "standby: another replica is active; checking every %.0f s", STANDBY_POLL
                    )
                    said_standby = True
                if await wait_for(stop, STANDBY_POLL):
                    break
                continue
            said_standby = False
            log.info("this replica is now active")
            if on_active is not None:
                on_active(True)
            try:
                await serve_active(build(), lease, stop)
            finally:
                if on_active is not None:
                    on_active(False)
    finally:
        await lease.release()


async def serve_active(
    application: Application[Any, Any, Any, Any, Any, Any],
    lease: Lease | SoloLease,
    stop: asyncio.Event,
) -> None:
    """Run ``application`` through the inbox while the lease holds."""
    from bot.inbox import Inbox, InboxPoller

    await application.initialize()
    poller: InboxPoller | None = None
    try:
        if application.post_init:
            await application.post_init(application)
        persistence = application.persistence
        database = (
            await persistence.open() if isinstance(persistence, DatabasePersistence) else None
        )
        if database is None:
            raise RuntimeError("replica mode needs the database persistence")
        inbox = Inbox(database)
        processor = application.update_processor
        if hasattr(processor, "observers"):
            processor.observers.append(lambda update, _seconds: inbox.complete(update))
        await application.start()
        poller = InboxPoller(application, inbox)
        await poller.start()
        while not await wait_for(stop, CHECK_EVERY):
            if not await lease.held():
                break
    finally:
        if poller is not None:
            await poller.stop()
        if application.running:
            await application.stop()
        if poller is not None:
            try:
                await poller.save_round()
            except Exception:
                log.warning("the last save round failed; its updates will be replayed")
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
