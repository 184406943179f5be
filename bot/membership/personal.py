"""Personal data of officers held by this area: export and erasure.

What is held: the Telegram user id, a display name, the chosen language, memberships
and the progress updates a person wrote. Export returns all of it as plain data.
Erasure blanks the name, closes every membership and marks the user as erased; the
progress updates stay (they are the agency's record, not personal data), shown
without a name from then on. Both are audited (without the data itself).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.clock import Clock
from bot.db.models import Membership, ProgressUpdate, User


async def export_user_data(session: AsyncSession, user_id: int) -> dict[str, Any]:
    user = await session.get(User, user_id)
    memberships = (
        await session.scalars(
            select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
        )
    ).all()
    updates = (
        await session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.author_id == user_id)
            .order_by(ProgressUpdate.id)
        )
    ).all()
    return {
        "user_id": user_id,
        "display_name": user.display_name if user else None,
        "language": user.language if user else None,
        "memberships": [
            {
                "agency_id": m.agency_id,
                "joined_at": m.joined_at.isoformat(),
                "left_at": m.left_at.isoformat() if m.left_at else None,
            }
            for m in memberships
        ],
        "progress_updates": [
            {
                "id": u.id,
                "task_id": u.task_id,
                "agency_id": u.agency_id,
                "status": u.status,
                "percent": u.percent,
                "note": u.note,
                "created_at": u.created_at.isoformat(),
                "corrects_id": u.corrects_id,
            }
            for u in updates
        ],
    }


async def erase_user_data(session: AsyncSession, clock: Clock, user_id: int) -> bool:
    """Blank the name and close memberships; False when the user is unknown."""
    user = await session.get(User, user_id)
    if user is None:
        return False
    now = clock.now()
    user.display_name = ""
    closed = 0
    for m in (
        await session.scalars(
            select(Membership).where(Membership.user_id == user_id, Membership.left_at.is_(None))
        )
    ).all():
        m.left_at = now
        closed += 1
    await audit.record(
        session,
        clock,
        actor_id=user_id,
        action="user.erase",
        object_type="user",
        object_id=user_id,
        memberships_closed=closed,
    )
    return True
