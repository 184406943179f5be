"""Random per-install keys kept in the database (``bot_state``): created once, race-safe.

Used where a keyed hash must not be reversible by trying every input (pseudonyms of
user ids, join codes). The key never leaves the database and is never logged.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BotState

KEY_BYTES = 32


async def stored_key(session: AsyncSession, now: dt.datetime, namespace: str, name: str) -> bytes:
    """The key ``namespace``/``name`` from ``bot_state``, created on first use. Two
    replicas creating it at once end up with the same key (insert-or-ignore, then read)."""
    where = (BotState.namespace == namespace, BotState.key == name)
    found = await session.scalar(select(BotState.data).where(*where))
    if isinstance(found, str) and found:
        return bytes.fromhex(found)
    values = {
        "namespace": namespace,
        "key": name,
        "data": secrets.token_hex(KEY_BYTES),
        "updated_at": now,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(BotState).values(**values).on_conflict_do_nothing())
    stored = await session.scalar(select(BotState.data).where(*where))
    return bytes.fromhex(str(stored))
