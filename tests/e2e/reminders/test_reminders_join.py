"""Issue 12 #13: a reminder claimed while an agency had no members is not lost. An officer
who joins later (/thamgia) gets what is still due for the agency's tasks, through the
scheduler's outbox (so flood limits hold), once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.db.engine import Database, write_session
from bot.membership import issue_code
from scheduler.jobs import scheduler_service
from tests.db.factories import add_agency, add_task
from tests.e2e.reminders.test_reminders import D, at
from tests.harness import BotHarness

ADMIN, LAN = 7100, 7101


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(D(2027, 5, 18), 9))  # 30 days before the deadline, a Tuesday


@pytest.fixture
async def harness(
    database: Database, db_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotHarness]:
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")  # the test ticks, not the JobQueue
    sf = database.session_factory
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        await add_agency(sf, "e2e_syt", "Sở Y tế tỉnh")
        await add_task(sf, "e2e_t1", lead=["e2e_syt"], due=D(2027, 6, 17), title="Báo cáo sơ kết")
        yield bot


async def tick(bot: BotHarness) -> None:
    svc = scheduler_service(bot.application)
    assert svc is not None
    await svc.tick()


async def test_an_officer_who_joins_later_gets_what_is_still_due(
    harness: BotHarness, database: Database, clock: ManualClock
) -> None:
    await tick(harness)  # claimed for an agency with nobody in it yet
    async with write_session(database.session_factory) as session:
        issued = await issue_code(
            session, harness.settings, clock, actor_id=ADMIN, agency_id="e2e_syt"
        )
    clock.advance(hours=2)
    lan = harness.chat(user_id=LAN, first_name="Lan")
    await lan.send(f"/thamgia {issued.code}")
    assert "Chào mừng" in (await lan.reply()).text
    await tick(harness)  # the outbox delivers it (flood limits apply)
    reminder = await lan.reply()
    assert "Còn 30 ngày đến hạn" in reminder.text and "Báo cáo sơ kết" in reminder.text
    assert reminder.labels == ["Cập nhật tiến độ", "Đã nhận", "Nhắc lại sau"]
    clock.advance(minutes=10)
    await tick(harness)
    await tick(harness)
    assert len(lan.sent) == 2  # the welcome and one reminder: never twice
