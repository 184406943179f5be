"""The coordinators' digest and the export, on SQLite and PostgreSQL, with a moved clock."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.db.models_scheduler import Absence, OutboxMessage
from bot.digest.chart import ChartRenderer
from bot.digest.export import export_rows, to_csv, to_xlsx
from bot.progress import queries
from bot.progress.queries import read_snapshot
from scheduler.delivery import QueuedMessage
from scheduler.service import SchedulerService
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


class NoSender:
    """The digest tests only queue; nothing is sent."""

    async def send(self, message: QueuedMessage) -> int:  # pragma: no cover - never called
        raise AssertionError("no sending in these tests")


async def seed(db: Database) -> None:
    sf = db.session_factory
    for agency_id, name in [
        ("syt", "Sở Y tế"),
        ("snv", "Sở Nội vụ"),
        ("sct", "Sở Công Thương"),
        ("other", "Bộ Ngoại giao"),
    ]:
        await add_agency(sf, agency_id, name)
    await add_task(sf, "soon", lead=["syt"], coordinate=["snv"], due=D(2027, 6, 24))
    await add_task(sf, "late", lead=["syt"], due=D(2027, 6, 1))
    await add_task(sf, "later", lead=["sct"], due=D(2027, 9, 1))
    await add_task(sf, "done", lead=["snv"], due=D(2027, 6, 20))
    await add_task(sf, "outside", lead=["other"], due=D(2027, 6, 20))
    for user, agency in [(11, "syt"), (21, "snv"), (31, "sct"), (41, "other")]:
        await add_officer(sf, user, agency)
    await add_coordinator(sf, 900, agencies=["syt", "snv", "sct"])
    await add_update(sf, "done", "snv", 21, "done", at(D(2027, 6, 15), 10))
    await add_update(sf, "later", "sct", 31, "in_progress", at(D(2027, 5, 1), 10))  # long ago
    await add_update(sf, "soon", "syt", 11, "in_progress", at(D(2027, 6, 14), 7, 30))


async def test_digest_counts(database: Database) -> None:
    await seed(database)
    clock = ManualClock(at(D(2027, 6, 16), 10))  # Wednesday
    svc = SchedulerService(database, NoSender(), clock)  # charts drawn in a helper process
    async with read_session(database.session_factory) as s:
        [coordinator] = await queries.coordinators(s)
    try:
        digest, text, chart = await svc.digests.digest_for(coordinator)
    finally:
        svc.charts.close()
    assert (digest.agencies, digest.tasks) == (3, 4)
    assert [i.task_id for i in digest.due_soon] == ["soon", "soon"]  # lead syt, coordinator snv
    assert [i.task_id for i in digest.overdue] == ["late"]
    assert digest.updates_count == 2  # this week (from Monday 14/6): soon/syt and done/snv
    assert digest.silent == ["Sở Công Thương"]  # last update 1/5
    assert "Đến hạn trong 14 ngày tới: 2" in text and "Quá hạn: 1" in text
    assert "Cập nhật trong tuần: 2" in text and "Không cập nhật từ 30 ngày trở lên: 1" in text
    assert "Bộ Ngoại giao" not in text
    assert chart is not None and chart.startswith(b"\x89PNG\r\n\x1a\n")
    # Everyone at Sở Công Thương is away: it is not counted as silent.
    async with write_session(database.session_factory) as s:
        s.add(Absence(user_id=31, away_until=D(2027, 6, 30), set_at=clock.now()))
    digest, _text, _chart = await svc.digests.digest_for(coordinator)
    assert digest.silent == []


async def test_weekly_digest_monday_once_and_holiday_moves_back(database: Database) -> None:
    await seed(database)
    clock = ManualClock(at(D(2027, 6, 14), 7, 59))  # Monday, a minute early
    svc = SchedulerService(database, NoSender(), clock, charts=ChartRenderer(in_process=True))
    assert await svc.send_weekly_digests() == 0
    clock.set(at(D(2027, 6, 14), 8))
    assert await svc.send_weekly_digests() == 1
    clock.advance(hours=2)
    assert await svc.send_weekly_digests() == 0  # once per week
    async with read_session(database.session_factory) as s:
        kinds = sorted((await s.execute(select(OutboxMessage.kind))).scalars())
    assert kinds == ["digest", "digest_chart"]
    # Monday 3/5/2027 is a day off (1/5 observed) and so is Friday 30/4: that week's
    # digest goes out on Thursday 29/4 at 08:00 (until then, it is still 26/4's week).
    assert svc.digest_period(at(D(2027, 4, 29), 7, 59)) == D(2027, 4, 26)
    assert svc.digest_period(at(D(2027, 4, 29), 8)) == D(2027, 5, 3)
    assert svc.digest_period(at(D(2027, 5, 4), 9)) == D(2027, 5, 3)
    # Tết 2028: Monday 24/1 is a day off -> Friday 21/1.
    assert svc.digest_period(at(D(2028, 1, 21), 8)) == D(2028, 1, 24)
    assert svc.digest_period(at(D(2028, 1, 22), 9)) is None  # Saturday: nothing goes out


async def test_export_csv_and_xlsx(database: Database) -> None:
    await seed(database)
    async with read_session(database.session_factory) as s:
        [coordinator] = await queries.coordinators(s)
        snap = await read_snapshot(database.session_factory)
        rows = await export_rows(s, snap, coordinator.covers, VN_TZ)
    assert len(rows.tasks) == 5  # soon x2, late, later, done - not "outside"
    assert len(rows.updates) == 3
    parsed = list(csv.reader(io.StringIO(to_csv(rows).decode("utf-8-sig"))))
    assert parsed[0][:3] == ["task_id", "document", "ref"]
    assert {r[0] for r in parsed[1:]} == {"soon", "late", "later", "done"}
    book = load_workbook(io.BytesIO(to_xlsx(rows)), read_only=True)
    assert book.sheetnames == ["tasks", "updates"]
    updates = list(book["updates"].iter_rows(values_only=True))
    assert updates[0] == ("at", "task_id", "ref", "agency", "status", "percent", "note")
    assert len(updates) == 4


async def test_admins_get_every_agency_and_the_curation_figures(database: Database) -> None:
    await seed(database)
    await add_officer(database.session_factory, 5, "syt")  # the admin is a user too
    clock = ManualClock(at(D(2027, 6, 14), 8))
    svc = SchedulerService(
        database, NoSender(), clock, admin_ids=frozenset({5}), charts=ChartRenderer(in_process=True)
    )
    assert await svc.send_weekly_digests() == 2  # the coordinator and the admin
    async with read_session(database.session_factory) as s:
        texts = {
            m.chat_id: m.text
            for m in (await s.execute(select(OutboxMessage))).scalars()
            if m.kind == "digest"
        }
    assert "Bộ Ngoại giao" not in texts[900]
    assert "tất cả cơ quan" in texts[5] and "4 cơ quan" in texts[5]
    assert "Câu hỏi gửi bot" in texts[5] and "Câu hỏi gửi bot" not in texts[900]
