"""join codes: a keyed hash (HMAC-SHA256 with a per-install key) instead of a bare SHA-256

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

The code itself was never stored, so an existing row is migrated from what it holds:
the new hash is HMAC(key, old SHA-256 hex), exactly what the bot computes for a typed
code (``bot.membership.hash_code``). The key is a random 32 bytes kept in ``bot_state``
(membership / join_code_key), created here when there are codes to migrate (else by the
bot with its first code).

Downgrade cannot turn a keyed hash back; codes issued before it stop working (they are
short-lived: at most 90 days). Written without imports from the application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
NAMESPACE, NAME = "membership", "join_code_key"

bot_state = sa.table(
    "bot_state",
    sa.column("namespace", sa.String()),
    sa.column("key", sa.String()),
    sa.column("data", JSON),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
join_codes = sa.table("join_codes", sa.column("id", sa.BigInteger()), sa.column("code_hash"))


def _key(bind: sa.Connection) -> bytes:
    where = (bot_state.c.namespace == NAMESPACE, bot_state.c.key == NAME)
    found = bind.execute(sa.select(bot_state.c.data).where(*where)).scalar()
    if isinstance(found, str) and found:
        return bytes.fromhex(found)
    data = secrets.token_hex(32)
    bind.execute(
        bot_state.insert().values(
            namespace=NAMESPACE, key=NAME, data=data, updated_at=dt.datetime.now(dt.UTC)
        )
    )
    return bytes.fromhex(data)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(join_codes.c.id, join_codes.c.code_hash)).all()
    if not rows:  # nothing to key: the bot creates the key when it issues its first code
        return
    key = _key(bind)
    for row in rows:
        keyed = hmac.new(key, row.code_hash.encode(), hashlib.sha256).hexdigest()
        bind.execute(join_codes.update().where(join_codes.c.id == row.id).values(code_hash=keyed))


def downgrade() -> None:
    """Nothing to undo in the schema; keyed hashes stay (see the module docstring)."""
