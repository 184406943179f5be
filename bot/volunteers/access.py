"""Who may manage which campaign editions: admins everywhere, coordinators in their scope.

A coordinator's grant (``roles`` row, not revoked) covers an agency when it has
``scope_all``, or the agency's level equals ``scope_level`` (and, if set, its place
equals ``scope_place``), or the agency id is listed in ``scope_agencies``. An edition
is managed through its organiser agency. Checks are made inside the writing
transaction, at the moment of the write.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agency, Role, RoleKind


@dataclass(frozen=True)
class Scope:
    """The agencies a user manages: everything, a set of agency ids, or nothing."""

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
) -> Scope:
    """The agencies ``user_id`` may run campaigns for."""
    if user_id in admin_ids:
        return Scope(everything=True)
    grants = (
        await session.scalars(
            select(Role).where(
                Role.user_id == user_id,
                Role.role.in_([RoleKind.coordinator.value, RoleKind.admin.value]),
                Role.revoked_at.is_(None),
            )
        )
    ).all()
    if not grants:
        return Scope()
    if any(g.scope_all or g.role == RoleKind.admin.value for g in grants):
        return Scope(everything=True)
    ids: set[str] = set()
    for grant in grants:
        ids.update(grant.scope_agencies or [])
        if grant.scope_level:
            query = select(Agency.id).where(
                Agency.level == grant.scope_level, Agency.archived.is_(False)
            )
            if grant.scope_place:
                query = query.where(Agency.place == grant.scope_place)
            ids.update((await session.scalars(query)).all())
    return Scope(agencies=frozenset(ids))


async def require_manager(
    session: AsyncSession, user_id: int, agency_id: str, admin_ids: Collection[int] = ()
) -> None:
    """Raise :class:`NotAllowed` unless ``user_id`` manages ``agency_id``."""
    scope = await manager_scope(session, user_id, admin_ids)
    if not scope.covers(agency_id):
        raise NotAllowed(agency_id)
