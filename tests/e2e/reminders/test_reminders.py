"""Reminders end to end: the real bot polling the emulator, the clock moved by hand.

Scenario: docs/scenarios/reminders.md. Setup (agencies, a task, officers) goes into the
database directly; everything after that happens through the bot: the scheduler's tick
(what the JobQueue calls), the buttons, /vang and /trolai, /hanchot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database
from scheduler.jobs import scheduler_service
from tests.db.factories import (
    add_agency,
    add_coordinator,
    add_officer,
    add_task,
    add_update,
)
from tests.harness import BotHarness

D = dt.date
LAN, MINH, COORD = 7001, 7002, 7900


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN_TZ)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(D(2027, 5, 17), 7))


@pytest.fixture
async def harness(
    database: Database, db_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotHarness]:
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")  # the test ticks, not the JobQueue
    sf = database.session_factory
    async with BotHarness.start(database_url=db_url, clock=clock) as bot:
        # After start-up: the start-up sync archives tasks that are not in the KB.
        await add_agency(sf, "e2e_syt", "Sở Y tế tỉnh")
        await add_task(
            sf, "e2e_t1", lead=["e2e_syt"], due=D(2027, 6, 17), title="Báo cáo sơ kết công tác Hội"
        )
        await add_officer(sf, LAN, "e2e_syt")
        await add_officer(sf, MINH, "e2e_syt")
        await add_coordinator(sf, COORD, agencies=["e2e_syt"])
        yield bot


async def tick(bot: BotHarness) -> None:
    svc = scheduler_service(bot.application)
    assert svc is not None
    await svc.tick()


async def test_30_7_1_day_reminders_snooze_done(
    harness: BotHarness, clock: ManualClock, database: Database
) -> None:
    lan = harness.chat(user_id=LAN, first_name="Lan")
    minh = harness.chat(user_id=MINH, first_name="Minh")

    # 30 days before (17/5 is a Monday): 08:00 on the dot, not before.
    await tick(harness)
    assert lan.sent == []
    clock.set(at(D(2027, 5, 18)))
    await tick(harness)
    first = await lan.reply()
    assert "Còn 30 ngày đến hạn" in first.text
    assert "Báo cáo sơ kết công tác Hội" in first.text and "cơ quan chủ trì" in first.text
    assert first.labels == ["Cập nhật tiến độ", "Đã nhận", "Nhắc lại sau"]
    assert "Còn 30 ngày" in (await minh.reply()).text

    # Scanning again (a restart, or the next tick) sends nothing more.
    await tick(harness)
    clock.advance(hours=3)
    await tick(harness)
    assert len(lan.sent) == 1 and len(minh.sent) == 1

    # Snooze: Lan asks to be reminded later; Minh is not affected.
    await lan.press("Nhắc lại sau", first)
    confirm = await lan.reply()
    assert "sẽ nhắc lại bạn" in confirm.text
    clock.advance(hours=23)
    await tick(harness)
    assert len(lan.sent) == 2  # not yet: 24 hours have not passed
    clock.advance(hours=1)
    await tick(harness)
    again = await lan.reply()
    # Written afresh for the day it comes back: one day less to go.
    assert "Còn 29 ngày" in again.text and "Nhắc lại sau" in again.labels
    assert len(minh.sent) == 1

    # "Đã nhận" is acknowledged and leaves only the update button.
    await lan.press("Đã nhận", again)
    answer = await lan.callback_answer()
    assert "Đã ghi nhận" in answer["text"]
    edited = await lan.edit()
    assert edited.labels == ["Cập nhật tiến độ"]
    # "Cập nhật tiến độ" leads to the progress update (/capnhat) for this task.
    await lan.press("Cập nhật tiến độ", edited)
    assert "/capnhat" in (await lan.reply()).text

    # A forged press for a reminder that was never sent to this user does nothing.
    record = minh.press_data("rem:s:999999")
    forged = await minh.callback_answer(record)
    assert "không được gửi cho bạn" in forged["text"]

    # Minh goes away until 20/6; Lan still gets the 7-day reminder, Minh does not.
    await minh.send("/vang 20/06/2027")
    assert "20 tháng 6, 2027" in (await minh.reply()).text
    clock.set(at(D(2027, 6, 10), 9))
    await tick(harness)
    assert "Còn 7 ngày" in (await lan.reply()).text
    assert len(minh.sent) == 2  # the 30-day reminder and the answer to /vang
    minh_texts = [r.text for r in minh.sent]
    assert not any("Còn 7 ngày" in text for text in minh_texts)

    # Minh is back early: he gets the 1-day reminder again, like Lan.
    await minh.send("/trolai")
    assert "bật lại" in (await minh.reply()).text
    clock.set(at(D(2027, 6, 16), 8))
    await tick(harness)
    assert "Còn 1 ngày" in (await minh.reply()).text
    assert "Còn 1 ngày" in (await lan.reply()).text

    # Done: after the agency reports done, no overdue reminders follow.
    await add_update(database.session_factory, "e2e_t1", "e2e_syt", LAN, "done", clock.now())
    for day in (D(2027, 6, 18), D(2027, 6, 21), D(2027, 6, 28)):
        clock.set(at(day, 9))
        await tick(harness)
    # Lan: 30-day, snooze confirmation, the snoozed repeat, /capnhat hint, 7-day, 1-day.
    # Minh: 30-day, /vang answer, /trolai answer, 1-day.
    assert len(lan.sent) == 6 and len(minh.sent) == 4


SQLITE_ONLY = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


@SQLITE_ONLY  # the database side of this is covered on both backends in tests/db/reminders
async def test_overdue_weekly_until_done(
    harness: BotHarness, clock: ManualClock, database: Database
) -> None:
    lan = harness.chat(user_id=LAN, first_name="Lan")
    coord = harness.chat(user_id=COORD, first_name="Hoa")
    clock.set(at(D(2027, 6, 18), 9))  # the day after the deadline (a Friday)
    await tick(harness)
    assert "Quá hạn" in (await lan.reply()).text
    notice = await coord.reply_containing("Trong phạm vi")
    assert "Trong phạm vi của bạn" in notice.text and "Sở Y tế tỉnh" in notice.text
    clock.set(at(D(2027, 6, 25), 9))
    await tick(harness)
    assert "Quá hạn" in (await lan.reply()).text
    await add_update(database.session_factory, "e2e_t1", "e2e_syt", LAN, "done", clock.now())
    clock.set(at(D(2027, 7, 2), 9))
    await tick(harness)
    assert len(lan.sent) == 2
    assert len([r for r in coord.sent if "Trong phạm vi của bạn" in r.text]) == 2


@SQLITE_ONLY
async def test_coordinator_sets_deadline_with_hanchot(
    harness: BotHarness, clock: ManualClock, database: Database
) -> None:
    sf = database.session_factory
    await add_task(
        sf,
        "e2e_t2",
        lead=["e2e_syt"],
        kind="conditional",
        deadline_text="Sau khi Đề án được phê duyệt",
    )
    lan = harness.chat(user_id=LAN, first_name="Lan")
    coord = harness.chat(user_id=COORD, first_name="Hoa")
    clock.set(at(D(2027, 5, 18), 9))
    await tick(harness)
    assert all("phê duyệt" not in r.text for r in lan.sent)
    lan.skip_all()
    coord.skip_all()

    await lan.send("/hanchot e2e_t2 25/05/2027")
    assert "chỉ điều phối viên" in (await lan.reply()).text
    await coord.send("/hanchot e2e_t2 32/05/2027")
    assert "không phải là ngày" in (await coord.reply()).text
    await coord.send("/hanchot e2e_t2 25/05/2027")
    confirm = await coord.reply()
    assert "25 tháng 5, 2027" in confirm.text and "Sở Y tế tỉnh" in confirm.text
    await tick(harness)
    texts = [r.text for r in lan.sent]
    assert any("Còn 7 ngày" in text and "phê duyệt" in text for text in texts)


@SQLITE_ONLY
async def test_jobqueue_ticks_without_help(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real JobQueue runs the scan and the delivery: nobody calls tick() here."""
    monkeypatch.setenv("SCHEDULER_SCAN_SECONDS", "5")
    monkeypatch.setenv("SCHEDULER_DELIVERY_SECONDS", "1")
    clock = ManualClock(at(D(2027, 5, 18), 9))
    sf = database.session_factory
    async with BotHarness.start(database_url=db_url, clock=clock) as bot:
        jobs = {job.name for job in bot.application.job_queue.jobs()}  # type: ignore[union-attr]
        assert {"scheduler tick", "scheduler delivery"} <= jobs
        await add_agency(sf, "e2e_syt", "Sở Y tế tỉnh")
        await add_task(sf, "e2e_t1", lead=["e2e_syt"], due=D(2027, 6, 17), title="Báo cáo")
        await add_officer(sf, LAN, "e2e_syt")
        lan = bot.chat(user_id=LAN, first_name="Lan")
        reminder = await lan.reply(timeout=30)
        assert "Còn 30 ngày" in reminder.text


async def test_headline_counts_days_to_the_coordinators_date(
    harness: BotHarness, clock: ManualClock
) -> None:
    """/hanchot moves the printed 17/06 to 24/06: the reminder a week before the new date
    says "Còn 7 ngày", not "Còn 0 ngày" (the days to the printed date)."""
    lan = harness.chat(user_id=LAN, first_name="Lan")
    coord = harness.chat(user_id=COORD, first_name="Hoa")
    clock.set(at(D(2027, 6, 10), 9))
    await coord.send("/hanchot e2e_t1 24/06/2027")
    assert "24 tháng 6, 2027" in (await coord.reply()).text
    lan.skip_all()
    clock.set(at(D(2027, 6, 17), 9))  # the printed deadline; the new one is a week away
    await tick(harness)
    reminder = await lan.reply()
    assert "Còn 7 ngày" in reminder.text and "24 tháng 6, 2027" in reminder.text
    clock.set(at(D(2027, 6, 25), 9))  # the day after the coordinator's date
    await tick(harness)
    overdue = await lan.reply_containing("Quá hạn")
    assert "Quá hạn" in overdue.text and "24 tháng 6, 2027" in overdue.text
