"""Officers' personal data: exported in full, erased (name blanked, memberships closed)."""

from __future__ import annotations

from bot import audit
from bot.access import member_agencies
from bot.clock import ManualClock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import User
from bot.membership.personal import erase_user_data, export_user_data
from bot.progress.service import record_update
from bot.progress.status import task_progress
from tests.db.helpers import add_member

LAN = 10


async def test_export_then_erase(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    sf = synced_session_factory
    await add_member(sf, clock, LAN, "bo_noi_vu")
    async with write_session(sf) as s:
        await record_update(
            s,
            clock,
            user_id=LAN,
            agency_id="bo_noi_vu",
            task_id="qd895_pl_ii_2",
            status="in_progress",
            percent=40,
            note="ghi chú",
        )
    async with sf() as s:
        data = await export_user_data(s, LAN)
    assert data["display_name"] == f"User {LAN}"
    assert [m["agency_id"] for m in data["memberships"]] == ["bo_noi_vu"]
    assert data["progress_updates"][0]["note"] == "ghi chú"

    async with write_session(sf) as s:
        assert await erase_user_data(s, clock, LAN)
        assert not await erase_user_data(s, clock, 999)
    async with sf() as s:
        user = await s.get(User, LAN)
        assert user is not None and user.display_name == ""
        assert await member_agencies(s, LAN) == []
        lines = await task_progress(s, "qd895_pl_ii_2", clock.now().date())
        lead = next(line for line in lines if line.agency_id == "bo_noi_vu")
        assert lead.percent == 40 and lead.author_name == ""  # the record stays, nameless
        erased = await audit.entries(s, action="user.erase")
        assert len(erased) == 1 and "ghi chú" not in str(erased[0].details)
