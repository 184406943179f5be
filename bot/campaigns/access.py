"""Who may manage which campaign editions: admins everywhere, coordinators in their scope.

Coverage is the roles area's (``bot.access``): a coordinator grant covers an agency by
``scope_all``, by level (and place), or by listing it. An edition is managed through
its organiser agency. Checks are made inside the writing
transaction, at the moment of the write.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import access as roles
from bot.db.models import Agency


@dataclass(frozen=True)
class ManagedAgencies:
    """The agencies a user manages: everything, a set of agency ids, or nothing.

    Resolved from the user's coordinator grants, each one :class:`bot.scope.Scope` (the
    bot's one scope and its one place normalisation), so /chiendich covers exactly what
    the join codes and the digest cover."""

    everything: bool = False
    agencies: frozenset[str] = frozenset()

    def covers(self, agency_id: str) -> bool:
        return self.everything or agency_id in self.agencies

    @property
    def empty(self) -> bool:
        return not self.everything and not self.agencies


class NotAllowed(PermissionError):
    """The user may not do this (not a coordinator for this campaign's organiser)."""


async def manager_scope(
    session: AsyncSession, user_id: int, admin_ids: Collection[int] = ()
) -> ManagedAgencies:
    """The agencies ``user_id`` may run campaigns for (the roles area decides coverage)."""
    if user_id in admin_ids:
        return ManagedAgencies(everything=True)
    grants = await roles.coordinator_scopes(session, user_id)
    if not grants:
        return ManagedAgencies()
    if any(g.all for g in grants):
        return ManagedAgencies(everything=True)
    agencies = (await session.scalars(select(Agency).where(Agency.archived.is_(False)))).all()
    return ManagedAgencies(
        agencies=frozenset(a.id for a in agencies if any(g.covers(a) for g in grants))
    )


async def require_manager(
    session: AsyncSession, user_id: int, agency_id: str, admin_ids: Collection[int] = ()
) -> None:
    """Raise :class:`NotAllowed` unless ``user_id`` manages ``agency_id``."""
    scope = await manager_scope(session, user_id, admin_ids)
    if not scope.covers(agency_id):
        raise NotAllowed(agency_id)
