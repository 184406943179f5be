"""One "current status" for every reader: a corrected update counts once, with its new value.

The officer posts an update, then corrects it within 24 hours (a new row linked to the
old one). /tiendo, the reminder scan's snapshot, the digest and the export must all
see one update with the corrected status, never the original beside it.
"""

from __future__ import annotations

import datetime as dt

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.digest.chart import ChartRenderer
from bot.digest.export import export_rows
from bot.progress import queries
from bot.progress.queries import read_snapshot
from bot.progress.service import correct_update, record_update
from bot.progress.status import task_progress
from scheduler.delivery import QueuedMessage
from scheduler.service import SchedulerService
from tests.db.factories import add_agency, add_coordinator, add_officer, add_task

D = dt.date
OFFICER, COORDINATOR = 11, 900


class NoSender:
    async def send(self, message: QueuedMessage) -> int:  # pragma: no cover - never called
        raise AssertionError("no sending in this test")


async def test_a_corrected_update_counts_once_everywhere(database: Database) -> None:
    sf = database.session_factory
    await add_agency(sf, "syt", "Sở Y tế")
    await add_task(sf, "t1", lead=["syt"], due=D(2027, 6, 24))
    await add_officer(sf, OFFICER, "syt")
    await add_coordinator(sf, COORDINATOR, agencies=["syt"])
    clock = ManualClock(dt.datetime(2027, 6, 16, 10, 0, tzinfo=VN_TZ))  # a Wednesday
    async with write_session(sf) as s:
        first = await record_update(
            s,
            clock,
            user_id=OFFICER,
            agency_id="syt",
            task_id="t1",
            status="in_progress",
            percent=40,
            note="typo",
        )
    clock.advance(hours=1)
    async with write_session(sf) as s:
        await correct_update(
            s, clock, user_id=OFFICER, update_id=first.id, status="done", percent=100, note="ok"
        )
    clock.advance(hours=1)

    # /tiendo
    async with read_session(sf) as s:
        [line] = await task_progress(s, "t1", clock.now().date())
    assert (line.status, line.percent) == ("done", 100)
    # the reminder scan's snapshot
    snap = await read_snapshot(sf)
    assert snap.progress[("t1", "syt")].status == "done"
    # the digest: one update this week, the task counted as done
    svc = SchedulerService(database, NoSender(), clock, charts=ChartRenderer(in_process=True))
    async with read_session(sf) as s:
        [coordinator] = await queries.coordinators(s)
    digest, text, _chart = await svc.digests.digest_for(coordinator)
    assert digest.updates_count == 1
    assert [i.task_id for i in digest.updates] == ["t1"]
    assert "Cập nhật trong tuần: 1" in text
    assert sum(digest.by_group["Sở Y tế"].values()) == 1
    assert digest.by_group["Sở Y tế"]["done"] == 1
    # the export: one update row, with the corrected values
    async with read_session(sf) as s:
        rows = await export_rows(s, snap, coordinator.covers, VN_TZ)
    assert [(r[1], r[4], r[5]) for r in rows.updates] == [("t1", "done", 100)]
