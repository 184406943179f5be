"""Two bot replicas (two Applications, each with its own emulator) on one PostgreSQL:
each reminder reaches each officer exactly once, whichever replica sends it."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database
from scheduler.jobs import scheduler_service
from scheduler.leader import LeaderLock
from tests.db.factories import add_agency, add_officer, add_task
from tests.harness import BotHarness

D = dt.date
OFFICERS = (7101, 7102, 7103)


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN_TZ)


async def test_two_replicas_send_each_reminder_once(
    postgres_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")
    url = postgres_database.url.render_as_string(hide_password=False)
    clock = ManualClock(at(D(2027, 5, 17), 7))
    sf = postgres_database.session_factory
    async with (
        BotHarness.start(database_url=url, clock=clock) as one,
        BotHarness.start(database_url=url, clock=clock) as two,
    ):
        await add_agency(sf, "r_syt", "Sở Y tế")
        for i in range(5):
            await add_task(sf, f"r_t{i}", lead=["r_syt"], due=D(2027, 6, 17))
        for user in OFFICERS:
            await add_officer(sf, user, "r_syt")
        chats = {user: (one.chat(user_id=user), two.chat(user_id=user)) for user in OFFICERS}
        services = [scheduler_service(one.application), scheduler_service(two.application)]
        assert all(services)
        leaders = []
        for moment in (
            at(D(2027, 5, 18)),
            at(D(2027, 5, 18), 9),
            at(D(2027, 6, 10)),
            at(D(2027, 6, 16)),
            at(D(2027, 6, 16), 15),
        ):
            clock.set(moment)
            reports = await asyncio.gather(*(svc.tick() for svc in services))  # type: ignore[union-attr]
            leaders.append(tuple(r.leader for r in reports))
        assert all(sum(pair) == 1 for pair in leaders), leaders  # one leader at a time
        for user, (a, b) in chats.items():
            texts = [r.text for r in a.sent + b.sent if "đến hạn" in r.text]
            # 5 tasks x (30, 7, 1 days before), each once, on either replica
            assert len(texts) == 15, (user, len(texts))
            assert sum("Còn 30 ngày" in t for t in texts) == 5

        # The leader goes away (its connection closes): the other takes over.
        leader = services[0] if leaders[-1][0] else services[1]
        follower = services[1] if leader is services[0] else services[0]
        await leader.close()  # type: ignore[union-attr]
        assert await follower.leader.acquire()  # type: ignore[union-attr]


async def test_leader_lock_is_exclusive(postgres_database: Database) -> None:
    a, b = LeaderLock(postgres_database.engine), LeaderLock(postgres_database.engine)
    assert await a.acquire()
    assert not await b.acquire()
    assert await a.acquire()  # still leading
    await a.release()
    assert await b.acquire()
    await b.release()
