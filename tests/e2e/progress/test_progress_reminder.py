"""From a reminder to a saved update: "Cập nhật tiến độ" opens the guided flow at the
status step for that task (docs/scenarios/progress.md, section 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database
from bot.db.models import ProgressUpdate
from scheduler.jobs import scheduler_service
from tests.db.factories import add_agency, add_officer, add_task
from tests.harness import BotHarness

LAN, KHOA = 7101, 7102


async def test_reminder_button_opens_the_flow_for_its_task(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")  # the test ticks, not the JobQueue
    clock = ManualClock(dt.datetime(2027, 5, 17, 7, 0, tzinfo=VN_TZ))
    sf = database.session_factory
    async with BotHarness.start(database_url=db_url, clock=clock) as bot:
        await add_agency(sf, "e2e_syt", "Sở Y tế tỉnh")
        await add_task(sf, "e2e_t1", lead=["e2e_syt"], due=dt.date(2027, 6, 17), title="Báo cáo")
        await add_officer(sf, LAN, "e2e_syt")
        lan = bot.chat(user_id=LAN, first_name="Lan")  # the chat exists before any send
        svc = scheduler_service(bot.application)
        assert svc is not None
        await svc.tick()
        clock.set(dt.datetime(2027, 5, 18, 8, 0, tzinfo=VN_TZ))  # 30 days before the due date
        await svc.tick()
        reminder = await lan.reply()
        await lan.press("Cập nhật tiến độ", reminder)
        prompt = await lan.reply()
        assert "Trạng thái hiện nay?" in prompt.text and "/capnhat" in prompt.text
        forged = lan.press_data("pg:00000000:r:done", prompt)  # not this flow's nonce
        assert "không còn hiệu lực" in (await lan.callback_answer(forged))["text"]
        await lan.press("Hoàn thành", prompt)
        await lan.edit()
        await lan.press("100%")
        await lan.edit()
        await lan.press("Không ghi chú")
        confirm = await lan.edit()
        assert "Lưu cập nhật này?" in confirm.text and "e2e_t1" in confirm.text
        await lan.press("✔ Lưu")
        assert "Đã lưu cập nhật" in (await lan.edit()).text
    async with sf() as s:
        row = await s.scalar(select(ProgressUpdate))
    assert row is not None and (row.task_id, row.agency_id, row.status, row.percent) == (
        "e2e_t1",
        "e2e_syt",
        "done",
        100,
    )
