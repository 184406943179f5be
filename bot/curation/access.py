"""Who may curate: admins (ADMIN_USER_IDS) and coordinators with a current grant.

Uses the project's permission API (:mod:`bot.access`); checked at the moment of every
read of the list and every write, inside the same transaction as the write.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import access


async def may_curate(session: AsyncSession, admins: frozenset[int], user_id: int) -> bool:
    """Admins and coordinators (any scope) see and resolve unanswered questions."""
    return user_id in admins or await access.is_coordinator(session, user_id)
