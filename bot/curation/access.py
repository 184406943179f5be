"""Who may curate: admins (ADMIN_USER_IDS) and coordinators with a current grant.

Checked at the moment of every read of the list and every write, inside the same
transaction as the write.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Role, RoleKind


async def is_coordinator(session: AsyncSession, user_id: int) -> bool:
    found = await session.scalar(
        select(Role.id)
        .where(
            Role.user_id == user_id,
            Role.role == RoleKind.coordinator.value,
            Role.revoked_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


async def may_curate(session: AsyncSession, admins: frozenset[int], user_id: int) -> bool:
    """Admins and coordinators (any scope) see and resolve unanswered questions."""
    return user_id in admins or await is_coordinator(session, user_id)
