"""Join codes: issue, redeem once, expiry, use count, leave, removal, several agencies."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot import audit
from bot.access import AccessDenied, Scope, grant_coordinator, member_agencies
from bot.clock import ManualClock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import JoinCode
from bot.membership import (
    JoinResult,
    issue_code,
    leave,
    normalize_code,
    redeem_code,
    remove,
    revoke_code,
)
from tests.db.helpers import settings_with_admins

ADMIN, COORD, LAN, MINH = 1, 2, 10, 11
SETTINGS = settings_with_admins(ADMIN)


async def _issue(sf: SessionFactory, clock: ManualClock, agency: str, **kw: object):
    async with write_session(sf) as s:
        return await issue_code(s, SETTINGS, clock, actor_id=ADMIN, agency_id=agency, **kw)


async def _redeem(sf: SessionFactory, clock: ManualClock, user: int, code: str):
    async with write_session(sf) as s:
        return await redeem_code(s, clock, user_id=user, code=code, display_name="Lan")


async def test_code_is_one_time_and_only_its_hash_is_stored(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    issued = await _issue(sf, clock, "bo_noi_vu")
    assert issued.expires_at - clock.now() == dt.timedelta(days=7)
    async with sf() as s:
        stored = (await s.scalars(select(JoinCode.code_hash))).all()
    assert normalize_code(issued.code) not in stored and len(stored) == 1
    first = await _redeem(sf, clock, LAN, issued.code.lower().replace("-", " "))
    assert first.result is JoinResult.joined and first.agency_id == "bo_noi_vu"
    again = await _redeem(sf, clock, LAN, issued.code)
    assert again.result is JoinResult.already_member
    other = await _redeem(sf, clock, MINH, issued.code)
    assert other.result is JoinResult.used_up
    async with sf() as s:
        assert await member_agencies(s, LAN) == ["bo_noi_vu"]
        assert await member_agencies(s, MINH) == []
        actions = [e.action for e in await audit.entries(s, object_type="agency")]
        assert actions == ["membership.join", "joincode.issue"]


async def test_expired_invalid_and_revoked_codes(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    issued = await _issue(sf, clock, "bo_noi_vu", ttl=dt.timedelta(hours=1))
    clock.advance(hours=2)
    assert (await _redeem(sf, clock, LAN, issued.code)).result is JoinResult.expired
    assert (await _redeem(sf, clock, LAN, "not-a-code!")).result is JoinResult.invalid
    assert (await _redeem(sf, clock, LAN, "ABCD-EFGH")).result is JoinResult.invalid
    fresh = await _issue(sf, clock, "bo_noi_vu", max_uses=3)
    async with write_session(sf) as s:
        assert await revoke_code(s, SETTINGS, clock, actor_id=ADMIN, code=fresh.code)
    assert (await _redeem(sf, clock, LAN, fresh.code)).result is JoinResult.invalid


async def test_several_agencies_leave_and_removal(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    for agency in ("bo_noi_vu", "bo_tai_chinh"):
        code = await _issue(sf, clock, agency)
        assert (await _redeem(sf, clock, LAN, code.code)).result is JoinResult.joined
        clock.advance(minutes=1)
    async with sf() as s:
        assert await member_agencies(s, LAN) == ["bo_noi_vu", "bo_tai_chinh"]
    async with write_session(sf) as s:
        assert await leave(s, clock, user_id=LAN, agency_id="bo_noi_vu")
        assert not await leave(s, clock, user_id=LAN, agency_id="bo_noi_vu")
    async with write_session(sf) as s:
        assert await remove(
            s, SETTINGS, clock, actor_id=ADMIN, user_id=LAN, agency_id="bo_tai_chinh"
        )
    async with sf() as s:
        assert await member_agencies(s, LAN) == []
    # re-joining after leaving works (the old row stays closed)
    code = await _issue(sf, clock, "bo_noi_vu")
    assert (await _redeem(sf, clock, LAN, code.code)).result is JoinResult.joined


async def test_coordinator_issues_codes_only_within_scope(
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
    async with write_session(sf) as s:
        issued = await issue_code(
            s, SETTINGS, clock, actor_id=COORD, agency_id="so_y_te_lai_chau", max_uses=5
        )
    assert issued.max_uses == 5
    with pytest.raises(AccessDenied):
        async with write_session(sf) as s:
            await issue_code(s, SETTINGS, clock, actor_id=COORD, agency_id="bo_noi_vu")
    with pytest.raises(AccessDenied):
        async with write_session(sf) as s:
            await issue_code(s, SETTINGS, clock, actor_id=LAN, agency_id="so_y_te_lai_chau")
    with pytest.raises(AccessDenied):
        async with write_session(sf) as s:
            await remove(s, SETTINGS, clock, actor_id=COORD, user_id=LAN, agency_id="bo_noi_vu")
