"""Small set-up helpers for database tests (direct inserts, no permission checks)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access import ensure_user
from bot.clock import Clock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import AuditLog, Membership, ProgressUpdate
from bot.settings import Settings as BotSettings


def settings_with_admins(*admins: int) -> BotSettings:
    """Real settings, isolated from the environment and .env, with these admins."""
    return BotSettings(_env_file=None, admin_user_ids=",".join(map(str, admins)))  # type: ignore[call-arg]


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
