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

from sqlalchemy.ext.asyncio import AsyncSession

from bot.keys import stored_key

STATE_NAMESPACE = "curation"
STATE_KEY = "pseudonym_salt"
PSEUDONYM_CHARS = 26


def pseudonymize(key: bytes, user_id: int) -> str:
    """Stable, non-reversible id of one user (26 base32 characters, 130 bits)."""
    digest = hmac.new(key, str(int(user_id)).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:PSEUDONYM_CHARS]


async def install_key(session: AsyncSession, now: dt.datetime) -> bytes:
    """The per-install salt from the database, created on first use (race-safe)."""
    return await stored_key(session, now, STATE_NAMESPACE, STATE_KEY)


async def pseudonym_key(
    session: AsyncSession, now: dt.datetime, secret: str | None = None
) -> bytes:
    """The key to hash user ids with: the configured secret, else the install salt."""
    return secret.encode() if secret else await install_key(session, now)
