"""One Scope, one normalisation: a grant typed "lai châu" covers Lai Châu everywhere.

Regression: the roles area compared places case-insensitively, the scheduler exactly, so a
coordinator granted ``cap tinh lai châu`` could issue join codes for Sở Y tế Lai Châu but got
an empty digest, export and /hanchot. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from bot import access
from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.db.models import Agency
from bot.digest.export import export_rows
from bot.progress import queries
from bot.progress.queries import read_snapshot
from bot.scope import Scope
from scheduler.actions import set_deadline
from scheduler.service import SchedulerService
from tests.db.factories import add_officer, add_task, add_update

D = dt.date
NOW = dt.datetime(2027, 6, 16, 10, tzinfo=VN_TZ)
ADMIN = 1
COORDINATOR = 900


class Admins:
    admin_user_ids = frozenset({ADMIN})


class NoSender:
    async def send(self, message: object) -> int:  # pragma: no cover - never called
        raise AssertionError("no sending in these tests")


async def seed(db: Database, typed_place: str) -> None:
    sf = db.session_factory
    async with write_session(sf) as s:
        for agency_id, name, place in [
            ("syt_lc", "Sở Y tế Lai Châu", "Lai Châu"),
            ("syt_db", "Sở Y tế Điện Biên", "Điện Biên"),
        ]:
            s.add(Agency(id=agency_id, name=name, level="province", place=place, synced_at=NOW))
    await add_task(sf, "t1", lead=["syt_lc"], due=D(2027, 6, 24))
    await add_task(sf, "t2", lead=["syt_db"], due=D(2027, 6, 24))
    await add_officer(sf, 11, "syt_lc")
    await add_update(sf, "t1", "syt_lc", 11, "in_progress", NOW - dt.timedelta(days=1))
    async with write_session(sf) as s:
        await access.grant_coordinator(
            s,
            Admins(),
            ManualClock(NOW),
            actor_id=ADMIN,
            user_id=COORDINATOR,
            scope=Scope(level="province", place=typed_place),
        )


async def test_place_typed_in_lower_case_covers_the_agency_everywhere(database: Database) -> None:
    await seed(database, "lai  châu")
    sf = database.session_factory
    async with read_session(sf) as s:
        assert await access.can_manage_agency(s, Admins(), COORDINATOR, "syt_lc")
        assert not await access.can_manage_agency(s, Admins(), COORDINATOR, "syt_db")
        [coordinator] = await queries.coordinators(s)
        snap = await read_snapshot(sf)
        rows = await export_rows(s, snap, coordinator.covers, VN_TZ)
    assert [r[0] for r in rows.tasks] == ["t1"]  # the export
    assert len(rows.updates) == 1
    svc = SchedulerService(database, NoSender(), ManualClock(NOW))
    try:
        digest, _text, _chart = await svc.digests.digest_for(coordinator)
    finally:
        svc.charts.close()
    assert (digest.agencies, digest.tasks) == (1, 1)  # the digest
    change = await set_deadline(sf, COORDINATOR, "t1", D(2027, 7, 1), NOW)  # /hanchot
    assert change.status == "ok"
    assert (await set_deadline(sf, COORDINATOR, "t2", D(2027, 7, 1), NOW)).status == (
        "out_of_scope"
    )


def test_one_normalisation_of_places() -> None:
    class A:
        def __init__(self, place: str | None, level: str = "province", id: str = "a") -> None:
            self.id, self.level, self.place = id, level, place

    scope = Scope(level="province", place="  LAI   châu ")
    assert scope.covers(A("Lai Châu"))
    assert scope.covers(A("Lai Cha\u0302u"))  # the same letters, decomposed
    assert not scope.covers(A("Lai Châu", level="district"))
    assert not scope.covers(A("Điện Biên"))
    assert not scope.covers(A(None))
    assert Scope(level="province").covers(A(None))
    assert Scope(agencies=frozenset({"x"})).covers(A("anything", level="ward", id="x"))
    assert Scope(all=True).covers(A(None, level="ward"))
    assert not Scope().covers(A("Lai Châu"))
