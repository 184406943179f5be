"""Small set-up helpers for database tests (direct inserts, no permission checks)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access import ensure_user
from bot.clock import Clock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import AuditLog, Membership, ProgressUpdate


class Settings:
    """The one field the access layer reads from the real Settings."""

    def __init__(self, *admins: int) -> None:
        self.admin_user_ids = frozenset(admins)


async def add_member(sf: SessionFactory, clock: Clock, user_id: int, agency_id: str) -> None:
    async with write_session(sf) as s:
        await ensure_user(s, clock, user_id, display_name=f"User {user_id}")
        s.add(Membership(user_id=user_id, agency_id=agency_id, joined_at=clock.now()))


async def counts(sf: SessionFactory) -> tuple[int, int]:
    """(progress rows, audit rows)."""
    async with sf() as s:
        updates = await s.scalar(select(func.count()).select_from(ProgressUpdate))
        audits = await s.scalar(select(func.count()).select_from(AuditLog))
    return int(updates or 0), int(audits or 0)
