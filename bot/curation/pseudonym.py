"""Pseudonymous ids: a keyed hash of the Telegram user id, never the id itself.

The key is ``PSEUDONYM_SECRET`` from the environment (``settings.pseudonym_secret``)
when set; otherwise a random per-install salt created once and kept in the database
(``bot_state``). Without
the key the pseudonym cannot be turned back into a user id by trying all ids.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BotState

STATE_NAMESPACE = "curation"
STATE_KEY = "pseudonym_salt"
PSEUDONYM_CHARS = 26


def pseudonymize(key: bytes, user_id: int) -> str:
    """Stable, non-reversible id of one user (26 base32 characters, 130 bits)."""
    digest = hmac.new(key, str(int(user_id)).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:PSEUDONYM_CHARS]


async def install_key(session: AsyncSession, now: dt.datetime) -> bytes:
    """The per-install salt from the database, created on first use (race-safe)."""
    found = await session.scalar(
        select(BotState.data).where(
            BotState.namespace == STATE_NAMESPACE, BotState.key == STATE_KEY
        )
    )
    if isinstance(found, str) and found:
        return bytes.fromhex(found)
    values = {
        "namespace": STATE_NAMESPACE,
        "key": STATE_KEY,
        "data": secrets.token_hex(32),
        "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(BotState).values(**values).on_conflict_do_nothing())
    stored = await session.scalar(
        select(BotState.data).where(
            BotState.namespace == STATE_NAMESPACE, BotState.key == STATE_KEY
        )
    )
    return bytes.fromhex(str(stored))


async def pseudonym_key(
    session: AsyncSession, now: dt.datetime, secret: str | None = None
) -> bytes:
    """The key to hash user ids with: the configured secret, else the install salt."""
    return secret.encode() if secret else await install_key(session, now)
