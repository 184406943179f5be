"""Roles and permissions: who may do what, checked at the moment of every write.

- **Admins** are the user ids in ``settings.ADMIN_USER_IDS`` (nothing in the database
  can make someone an admin).
- **Coordinators** are granted and revoked by admins (rows in ``roles``), each grant
  with a scope: everything, a level (optionally one place) or a list of agencies.
- **Officers** are members of one or more agencies (``memberships``), joined with a
  one-time code (``bot.membership``); an officer writes progress only for an agency
  they currently belong to, on a task that agency leads or coordinates.

The permission API (plain functions on an ``AsyncSession``, no Telegram):

``is_admin(settings, user_id)``, ``coordinator_scope(session, user_id)``,
``can_manage_agency(session, settings, user_id, agency_id)`` (issue codes, remove
members), ``can_write_for_agency(session, user_id, agency_id)`` (post progress),
``member_agencies(session, user_id)``, ``require_*`` variants raising
:class:`AccessDenied`. Grants/revocations are audited.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.clock import Clock
from bot.db.models import Agency, Membership, Role, RoleKind, User
from bot.scope import Scope


class HasAdmins(Protocol):
    admin_user_ids: frozenset[int]


class AccessDenied(Exception):
    """The user may not do this. ``reason`` is a stable code the handlers translate."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotFound(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def is_admin(settings: HasAdmins, user_id: int) -> bool:
    return user_id in settings.admin_user_ids


async def ensure_user(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    *,
    display_name: str = "",
    language: str | None = None,
) -> User:
    """The user's row, created on first contact. Keeps only a short display name."""
    user = await session.get(User, user_id)
    if user is None:
        user = User(
            id=user_id,
            display_name=display_name[:128],
            language=language or "vi",
            created_at=clock.now(),
        )
        session.add(user)
        await session.flush()
    elif display_name and user.display_name != display_name[:128]:
        user.display_name = display_name[:128]
    return user


def scope_of(role: Role) -> Scope:
    return Scope(
        all=role.scope_all,
        level=role.scope_level,
        place=role.scope_place,
        agencies=frozenset(role.scope_agencies or ()),
    )


async def active_grants(session: AsyncSession, user_id: int | None = None) -> list[Role]:
    query = select(Role).where(Role.role == RoleKind.coordinator.value, Role.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(Role.user_id == user_id)
    return list((await session.scalars(query.order_by(Role.id))).all())


async def coordinator_scopes(session: AsyncSession, user_id: int) -> list[Scope]:
    """One Scope per active coordinator grant of ``user_id`` (empty: not a coordinator)."""
    return [scope_of(r) for r in await active_grants(session, user_id)]


async def coordinator_scope(session: AsyncSession, user_id: int) -> Scope | None:
    """The union of the user's coordinator grants, or None when they have none.

    For an exact "does it cover agency X" use :func:`can_manage_agency`; a union
    of two level grants keeps only one level.
    """
    scopes = await coordinator_scopes(session, user_id)
    if not scopes:
        return None
    merged = scopes[0]
    for scope in scopes[1:]:
        merged = merged.merged(scope)
    return merged


async def is_coordinator(session: AsyncSession, user_id: int) -> bool:
    return bool(await active_grants(session, user_id))


async def can_manage_agency(
    session: AsyncSession, settings: HasAdmins, user_id: int, agency_id: str
) -> bool:
    """Admins everywhere; coordinators inside their scope (issue codes, remove members)."""
    if is_admin(settings, user_id):
        return True
    agency = await session.get(Agency, agency_id)
    if agency is None or agency.archived:
        return False
    return any(s.covers(agency) for s in await coordinator_scopes(session, user_id))


async def managed_agencies(
    session: AsyncSession, settings: HasAdmins, user_id: int
) -> list[Agency]:
    """Live agencies the user can manage (all of them for an admin)."""
    agencies = (await session.scalars(select(Agency).where(Agency.archived.is_(False)))).all()
    if is_admin(settings, user_id):
        return list(agencies)
    scopes = await coordinator_scopes(session, user_id)
    return [a for a in agencies if any(s.covers(a) for s in scopes)]


async def member_agencies(session: AsyncSession, user_id: int) -> list[str]:
    """Ids of the live agencies the user currently belongs to, in joining order."""
    rows = await session.scalars(
        select(Membership.agency_id)
        .join(Agency, Agency.id == Membership.agency_id)
        .where(
            Membership.user_id == user_id,
            Membership.left_at.is_(None),
            Agency.archived.is_(False),
        )
        .order_by(Membership.joined_at, Membership.id)
    )
    return list(rows.all())


async def can_write_for_agency(session: AsyncSession, user_id: int, agency_id: str) -> bool:
    """True when the user is a current member of the (live) agency."""
    return agency_id in await member_agencies(session, user_id)


async def require_admin(settings: HasAdmins, user_id: int) -> None:
    if not is_admin(settings, user_id):
        raise AccessDenied("not_admin")


async def require_manage(
    session: AsyncSession, settings: HasAdmins, user_id: int, agency_id: str
) -> None:
    if not await can_manage_agency(session, settings, user_id, agency_id):
        raise AccessDenied("not_coordinator")


async def require_member(session: AsyncSession, user_id: int, agency_id: str) -> None:
    """Inside a write transaction: the membership row is locked (FOR SHARE on PostgreSQL;
    SQLite's write transaction already excludes other writers), so a concurrent leave or
    removal cannot slip between this check and the write it guards."""
    row = await session.scalar(
        select(Membership.id)
        .join(Agency, Agency.id == Membership.agency_id)
        .where(
            Membership.user_id == user_id,
            Membership.agency_id == agency_id,
            Membership.left_at.is_(None),
            Agency.archived.is_(False),
        )
        .with_for_update(read=True, of=Membership)
    )
    if row is None:
        raise AccessDenied("not_member")


async def grant_coordinator(
    session: AsyncSession,
    settings: HasAdmins,
    clock: Clock,
    *,
    actor_id: int,
    user_id: int,
    scope: Scope,
) -> Role:
    """Admin only. Unknown agencies in the scope are refused (NotFound)."""
    await require_admin(settings, actor_id)
    if not (scope.all or scope.level or scope.agencies):
        raise ValueError("empty scope")
    for agency_id in sorted(scope.agencies):
        agency = await session.get(Agency, agency_id)
        if agency is None or agency.archived:
            raise NotFound(agency_id)
    await ensure_user(session, clock, user_id)
    role = Role(
        user_id=user_id,
        role=RoleKind.coordinator.value,
        scope_all=scope.all,
        scope_level=scope.level,
        scope_place=scope.place,
        scope_agencies=sorted(scope.agencies) or None,
        granted_by=actor_id,
        granted_at=clock.now(),
    )
    session.add(role)
    await session.flush()
    await audit.record(
        session,
        clock,
        actor_id=actor_id,
        action="role.grant",
        object_type="user",
        object_id=user_id,
        role_id=role.id,
        scope=scope.as_dict(),
    )
    return role


async def revoke_coordinator(
    session: AsyncSession, settings: HasAdmins, clock: Clock, *, actor_id: int, user_id: int
) -> int:
    """Admin only. Revokes every active coordinator grant of ``user_id``; returns how many."""
    await require_admin(settings, actor_id)
    grants = await active_grants(session, user_id)
    now = clock.now()
    for role in grants:
        role.revoked_at = now
        role.revoked_by = actor_id
    if grants:
        await audit.record(
            session,
            clock,
            actor_id=actor_id,
            action="role.revoke",
            object_type="user",
            object_id=user_id,
            role_ids=[r.id for r in grants],
        )
    await session.flush()
    return len(grants)
