"""Queueing messages for the delivery path: insert-if-absent under a unique key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_scheduler import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Outgoing:
    dedupe_key: str
    chat_id: int
    kind: str
    text: str
    not_before: dt.datetime
    reply_markup: dict[str, Any] | None = None
    attachment: bytes | None = None
    attachment_name: str | None = None
    reminder_id: int | None = None
    user_id: int | None = None


def insert_ignore(session: AsyncSession, table: Any) -> Insert:
    """An INSERT that does nothing on a unique-key conflict (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


async def enqueue(session: AsyncSession, messages: list[Outgoing], now: dt.datetime) -> int:
    """Queue ``messages``; those whose ``dedupe_key`` is already queued are skipped.

    Returns how many were new. Runs in the caller's transaction.
    """
    new = 0
    for m in messages:
        stmt = insert_ignore(session, OutboxMessage).values(
            dedupe_key=m.dedupe_key[:200],
            chat_id=m.chat_id,
            is_group=m.chat_id < 0,
            kind=m.kind,
            text=m.text,
            reply_markup=m.reply_markup,
            attachment=m.attachment,
            attachment_name=m.attachment_name,
            reminder_id=m.reminder_id,
            user_id=m.user_id,
            status=OutboxStatus.pending.value,
            created_at=now,
            not_before=m.not_before,
            attempts=0,
        )
        result = await session.execute(stmt.returning(OutboxMessage.id))
        if result.first() is not None:
            new += 1
    return new
