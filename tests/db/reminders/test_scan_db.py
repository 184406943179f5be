"""The reminder scan against a real database (SQLite and PostgreSQL), clock moved by hand."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import func, select

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, connect, write_session
from bot.db.models_scheduler import Absence, DeadlineOverride, OutboxMessage, Reminder
from bot.progress.status import current_statuses, is_done
from scheduler.scan import ReminderScanner
from tests.db.factories import (
    add_agency,
    add_coordinator,
    add_officer,
    add_task,
    add_update,
)

D = dt.date


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN_TZ)


async def seed(db: Database, due: dt.date | None = None) -> None:
    due = due or D(2027, 6, 17)
    sf = db.session_factory
    await add_agency(sf, "syt", "Sở Y tế")
    await add_agency(sf, "snv", "Sở Nội vụ")
    await add_task(sf, "t1", lead=["syt"], coordinate=["snv"], due=due)
    await add_officer(sf, 101, "syt")
    await add_officer(sf, 102, "syt", lang="en")
    await add_officer(sf, 201, "snv")
    await add_coordinator(sf, 900, level="province")


async def outbox(db: Database) -> list[OutboxMessage]:
    async with db.session_factory() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def scan_every(
    scanner: ReminderScanner,
    clock: ManualClock,
    until: dt.datetime,
    step: dt.timedelta = dt.timedelta(hours=1),
) -> None:
    while clock.now() < until:
        await scanner.scan()
        clock.advance(step)


async def test_reminders_30_7_1_once_each_with_roles(database: Database) -> None:
    await seed(database)
    clock = ManualClock(at(D(2027, 5, 17), 7))
    scanner = ReminderScanner(database.session_factory, clock, doc_labels={"kh_tinh": "KH tỉnh"})
    await scan_every(scanner, clock, at(D(2027, 6, 17), 23), step=dt.timedelta(hours=3))
    rows = await outbox(database)
    by_chat: dict[int, list[str]] = {}
    for m in rows:
        by_chat.setdefault(m.chat_id, []).append(m.text)
    assert sorted(by_chat) == [101, 102, 201]
    assert all(len(texts) == 3 for texts in by_chat.values())  # 30, 7 and 1 days before
    assert "chủ trì" in by_chat[101][0] and "Sở Y tế" in by_chat[101][0]
    assert "phối hợp" in by_chat[201][0]
    assert "30 ngày" in by_chat[101][0] and "7 ngày" in by_chat[101][1]
    assert "1 day" in by_chat[102][2] and "lead agency" in by_chat[102][2]
    assert rows[0].reply_markup is not None
    async with database.session_factory() as s:
        rules = sorted((r.agency_id, r.rule) for r in (await s.execute(select(Reminder))).scalars())
    assert rules == [
        ("snv", "before_1"),
        ("snv", "before_30"),
        ("snv", "before_7"),
        ("syt", "before_1"),
        ("syt", "before_30"),
        ("syt", "before_7"),
    ]


async def test_restart_does_not_resend(database: Database) -> None:
    await seed(database)
    clock = ManualClock(at(D(2027, 6, 10), 9))
    first = ReminderScanner(database.session_factory, clock)
    r1 = await first.scan()
    assert r1.claimed == 2 and r1.queued == 3
    # "Restart": a new engine and a new scanner on the same database.
    again = connect(database.url)
    try:
        r2 = await ReminderScanner(again.session_factory, clock).scan()
    finally:
        await again.dispose()
    assert r2.due == 2 and r2.claimed == 0 and r2.queued == 0
    assert len(await outbox(database)) == 3


async def test_done_stops_and_overdue_goes_to_lead_and_coordinator(database: Database) -> None:
    await seed(database, due=D(2027, 3, 5))
    await add_agency(database.session_factory, "sct", "Sở Công Thương")
    await add_task(database.session_factory, "t2", lead=["sct"], due=D(2027, 3, 5))
    clock = ManualClock(at(D(2027, 3, 8), 9))  # Monday after the Friday deadline
    scanner = ReminderScanner(database.session_factory, clock)
    result = await scanner.scan()
    # Overdue: lead agencies only (syt for t1, sct for t2 - nobody in sct), plus coordinator.
    assert sorted(k[:3] for k in result.keys) == [
        ("t1", "syt", "overdue"),
        ("t2", "sct", "overdue"),
    ]
    chats = sorted(m.chat_id for m in await outbox(database))
    assert chats == [101, 102, 900, 900]
    coord = [m for m in await outbox(database) if m.chat_id == 900]
    assert {("Sở Y tế" in m.text) for m in coord} == {True, False}
    # Sở Y tế reports done: next week nothing for it, still for sct.
    await add_update(database.session_factory, "t1", "syt", 101, "done", at(D(2027, 3, 9), 10))
    clock.set(at(D(2027, 3, 15), 9))
    result = await scanner.scan()
    assert [k[:3] for k in result.keys] == [("t2", "sct", "overdue")]


async def test_away_officer_skipped_colleague_still_reminded(database: Database) -> None:
    await seed(database)
    async with write_session(database.session_factory) as s:
        s.add(Absence(user_id=101, away_until=D(2027, 6, 20), set_at=at(D(2027, 6, 1))))
    clock = ManualClock(at(D(2027, 6, 16), 9))
    await ReminderScanner(database.session_factory, clock).scan()
    assert sorted(m.chat_id for m in await outbox(database)) == [102, 201]


async def test_conditional_reminds_nobody_until_coordinator_sets_date(database: Database) -> None:
    sf = database.session_factory
    await add_agency(sf, "syt", "Sở Y tế")
    await add_officer(sf, 101, "syt")
    await add_task(
        sf, "t3", lead=["syt"], kind="conditional", deadline_text="Sau khi Đề án được thông qua"
    )
    clock = ManualClock(at(D(2027, 6, 16), 9))
    scanner = ReminderScanner(sf, clock)
    assert (await scanner.scan()).due == 0
    async with write_session(sf) as s:
        s.add(
            DeadlineOverride(
                task_id="t3",
                agency_id="syt",
                due_date=D(2027, 6, 17),
                set_by=900,
                set_at=clock.now(),
            )
        )
    result = await scanner.scan()
    assert [k[2] for k in result.keys] == ["before_1"]
    assert "17 tháng 6, 2027" in (await outbox(database))[0].text


async def test_holiday_reminder_once_via_db(database: Database) -> None:
    await seed(database, due=D(2027, 2, 11))
    clock = ManualClock(at(D(2027, 2, 1), 7))
    scanner = ReminderScanner(database.session_factory, clock)
    sent_at: list[tuple[str, dt.datetime]] = []
    while clock.now() < at(D(2027, 2, 11), 20):
        result = await scanner.scan()
        sent_at += [(k[2], clock.now()) for k in result.keys if k[1] == "syt"]
        clock.advance(hours=1)
    # First scan catches up the 30-day reminder (missed, still relevant); the 1-day
    # reminder (10/2 is in Tết) comes on Wednesday 3/2 at 08:00, once; 7 days before
    # (4/2) is in Tết too and merges with it.
    assert sent_at == [("before_30", at(D(2027, 2, 1), 7)), ("before_1", at(D(2027, 2, 3), 8))]


async def test_two_scanners_on_postgres_send_each_reminder_once(
    postgres_database: Database,
) -> None:
    """Two replicas (two engines, two scanners) scanning at the same moments."""
    await seed(postgres_database)
    for i in range(20):
        await add_task(
            postgres_database.session_factory,
            f"x{i}",
            lead=["syt"],
            coordinate=["snv"],
            due=D(2027, 6, 17),
        )
    other = connect(postgres_database.url)
    try:
        clock = ManualClock(at(D(2027, 5, 17), 7))
        a = ReminderScanner(postgres_database.session_factory, clock)
        b = ReminderScanner(other.session_factory, clock)
        claimed = 0
        while clock.now() < at(D(2027, 6, 17), 20):
            ra, rb = await asyncio.gather(a.scan(), b.scan())
            claimed += ra.claimed + rb.claimed
            clock.advance(hours=6)
    finally:
        await other.dispose()
    async with postgres_database.session_factory() as s:
        reminders = (await s.execute(select(func.count()).select_from(Reminder))).scalar_one()
        messages = (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
    assert reminders == claimed == 21 * 2 * 3  # 21 tasks x 2 agencies x (30, 7, 1)
    assert messages == 21 * 3 * 3  # 3 officers, each 3 reminders per task


async def test_current_status_follows_corrections(database: Database) -> None:
    """A "done" later corrected to "in progress" does not stop reminders."""
    from bot.db.models import ProgressUpdate

    await seed(database)
    sf = database.session_factory
    t1 = at(D(2027, 6, 1), 10)
    await add_update(sf, "t1", "syt", 101, "in_progress", at(D(2027, 5, 20), 10))
    await add_update(sf, "t1", "syt", 101, "done", t1)
    async with sf() as s:
        done_id = (
            await s.execute(select(ProgressUpdate.id).where(ProgressUpdate.status == "done"))
        ).scalar_one()
        assert is_done((await current_statuses(s))[("t1", "syt")])
    async with write_session(sf) as s:
        s.add(
            ProgressUpdate(
                task_id="t1",
                agency_id="syt",
                author_id=102,
                status="in_progress",
                note="bấm nhầm",
                created_at=at(D(2027, 6, 2), 9),
                effective_at=t1,
                corrects_id=done_id,
            )
        )
    async with sf() as s:
        progress = (await current_statuses(s))[("t1", "syt")]
    assert progress.status == "in_progress" and progress.last_update == at(D(2027, 6, 2), 9)
    result = await ReminderScanner(sf, ManualClock(at(D(2027, 6, 16), 9))).scan()
    assert ("t1", "syt", "before_1", D(2027, 6, 17)) in result.keys


async def test_away_is_for_officers_and_coordinators(database: Database) -> None:
    from scheduler import actions

    await seed(database)
    sf, now = database.session_factory, at(D(2027, 6, 1), 9)
    assert await actions.set_away(sf, 101, D(2027, 6, 20), now)  # officer
    assert await actions.set_away(sf, 900, D(2027, 6, 20), now)  # coordinator
    assert not await actions.set_away(sf, 555, D(2027, 6, 20), now)  # nobody
    assert await actions.away_until(sf, 101, D(2027, 6, 10)) == D(2027, 6, 20)
    assert await actions.away_until(sf, 101, D(2027, 6, 21)) is None  # over
    assert await actions.set_away(sf, 101, D(2027, 6, 25), now)  # changed, not duplicated
    assert await actions.away_until(sf, 101, D(2027, 6, 21)) == D(2027, 6, 25)
    assert await actions.clear_away(sf, 101)
    assert not await actions.clear_away(sf, 101)
