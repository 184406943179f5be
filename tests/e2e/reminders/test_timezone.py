"""TIMEZONE is the time zone of the people using the bot: dates shown in chat, and when
reminders go out (REMINDER_TIME, the quiet hours 20:00-07:00, the weekly digest)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database
from scheduler.jobs import scheduler_service
from tests.db.factories import add_agency, add_officer, add_task
from tests.harness import BotHarness

LAN = 7101
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
async def test_reminders_go_out_at_the_send_time_of_timezone(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")  # the test ticks, not the JobQueue
    # 18/05/2027 is 30 days before the deadline; 08:30 in Hà Nội is 01:30 UTC
    clock = ManualClock(dt.datetime(2027, 5, 18, 8, 30, tzinfo=VN_TZ))
    sf = database.session_factory
    async with BotHarness.start(
        database_url=db_url, clock=clock, settings={"timezone": "UTC"}
    ) as bot:
        await add_agency(sf, "tz_syt", "Sở Y tế tỉnh")
        await add_task(sf, "tz_t1", lead=["tz_syt"], due=dt.date(2027, 6, 17), title="Báo cáo")
        await add_officer(sf, LAN, "tz_syt")
        lan = bot.chat(user_id=LAN, first_name="Lan")
        svc = scheduler_service(bot.application)
        assert svc is not None

        await svc.tick()  # 01:30 UTC: quiet hours where the users are
        assert lan.sent == []
        clock.set(dt.datetime(2027, 5, 18, 7, 59, tzinfo=UTC))
        await svc.tick()
        assert lan.sent == []
        clock.set(dt.datetime(2027, 5, 18, 8, 0, tzinfo=UTC))  # REMINDER_TIME 08:00 UTC
        await svc.tick()
        assert "Còn 30 ngày" in (await lan.reply()).text
