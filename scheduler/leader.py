"""Which replica runs the jobs: the holder of a PostgreSQL advisory lock.

The lock is session-level (``pg_try_advisory_lock``) on a connection kept open for
as long as this replica leads; if the connection dies, the lock goes with it and
another replica takes over at its next tick. On SQLite (one process, embedded)
the only replica always leads. Leadership is an optimisation: correctness never
depends on it, because reminders and digests are claimed under unique keys and
outbox rows are leased one by one.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

#: "kl44" + 2 (0 is the migration lock, 1 the knowledge-base sync lock)
LEADER_LOCK_KEY = 0x6B6C3436


class LeaderLock:
    def __init__(self, engine: AsyncEngine, key: int = LEADER_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: AsyncConnection | None = None

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def acquire(self) -> bool:
        """True if this replica leads now (taking the lock if it is free)."""
        if not self.is_postgres:
            return True
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return True
            except Exception:
                log.warning("leader connection lost; trying to take the lock again")
                await self._drop()
        conn = await self.engine.connect()
        try:
            got = (
                await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
            ).scalar_one()
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if got:
            self._conn = conn
            log.info("this replica now runs the scheduled jobs")
            return True
        await conn.close()
        return False

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            await self._conn.commit()
        finally:
            await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)
