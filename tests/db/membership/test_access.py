"""Roles: admins from settings, coordinators with scopes, grants/revocations audited."""

from __future__ import annotations

import pytest

from bot import audit
from bot.access import (
    AccessDenied,
    NotFound,
    Scope,
    can_manage_agency,
    can_write_for_agency,
    coordinator_scope,
    grant_coordinator,
    is_admin,
    managed_agencies,
    revoke_coordinator,
)
from bot.clock import ManualClock
from bot.db.engine import SessionFactory, write_session
from tests.db.helpers import add_member, settings_with_admins

ADMIN, COORD, OTHER = 1, 2, 3
SETTINGS = settings_with_admins(ADMIN)


async def test_admin_comes_from_settings_only() -> None:
    assert is_admin(SETTINGS, ADMIN)
    assert not is_admin(SETTINGS, COORD)


async def test_grant_scope_by_level_and_place_then_revoke(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    async with write_session(sf) as s:
        await grant_coordinator(
            s,
            SETTINGS,
            clock,
            actor_id=ADMIN,
            user_id=COORD,
            scope=Scope(level="province", place="Lai Châu"),
        )
    async with sf() as s:
        assert await can_manage_agency(s, SETTINGS, COORD, "so_y_te_lai_chau")
        assert not await can_manage_agency(s, SETTINGS, COORD, "bo_noi_vu")
        assert await can_manage_agency(s, SETTINGS, ADMIN, "bo_noi_vu")
        scope = await coordinator_scope(s, COORD)
        assert scope is not None and scope.level == "province"
        managed = {a.id for a in await managed_agencies(s, SETTINGS, COORD)}
        assert "hoi_ctd_tinh_lai_chau" in managed and "bo_noi_vu" not in managed
    clock.advance(hours=1)
    async with write_session(sf) as s:
        assert await revoke_coordinator(s, SETTINGS, clock, actor_id=ADMIN, user_id=COORD) == 1
    async with sf() as s:
        assert not await can_manage_agency(s, SETTINGS, COORD, "so_y_te_lai_chau")
        assert await coordinator_scope(s, COORD) is None
        actions = [e.action for e in await audit.entries(s, object_type="user")]
        assert actions == ["role.revoke", "role.grant"]


async def test_scope_as_agency_list(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    async with write_session(synced_session_factory) as s:
        await grant_coordinator(
            s,
            SETTINGS,
            clock,
            actor_id=ADMIN,
            user_id=COORD,
            scope=Scope(agencies=frozenset({"bo_noi_vu", "bo_tai_chinh"})),
        )
    async with synced_session_factory() as s:
        assert await can_manage_agency(s, SETTINGS, COORD, "bo_tai_chinh")
        assert not await can_manage_agency(s, SETTINGS, COORD, "bo_tu_phap")


async def test_only_admins_grant_and_unknown_agency_refused(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    with pytest.raises(AccessDenied) as denied:
        async with write_session(synced_session_factory) as s:
            await grant_coordinator(
                s, SETTINGS, clock, actor_id=OTHER, user_id=COORD, scope=Scope(all=True)
            )
    assert denied.value.reason == "not_admin"
    with pytest.raises(NotFound):
        async with write_session(synced_session_factory) as s:
            await grant_coordinator(
                s,
                SETTINGS,
                clock,
                actor_id=ADMIN,
                user_id=COORD,
                scope=Scope(agencies=frozenset({"no_such_agency"})),
            )
    async with synced_session_factory() as s:
        assert await coordinator_scope(s, COORD) is None
        assert await audit.entries(s, object_type="user") == []


async def test_membership_gives_write_right_for_that_agency_only(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    await add_member(synced_session_factory, clock, OTHER, "bo_noi_vu")
    async with synced_session_factory() as s:
        assert await can_write_for_agency(s, OTHER, "bo_noi_vu")
        assert not await can_write_for_agency(s, OTHER, "bo_tai_chinh")
        assert not await can_write_for_agency(s, ADMIN, "bo_noi_vu")
