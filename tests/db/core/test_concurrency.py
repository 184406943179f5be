"""Two officers updating the same task at the same moment: both updates are stored."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import Database, write_session
from bot.db.models import ProgressUpdate
from bot.db.sync import sync_knowledge
from bot.membership import JoinResult, issue_code, redeem_code
from bot.progress.service import record_update
from tests.db.helpers import add_member, counts, settings_with_admins

TASK = "qd895_pl_ii_2"


async def _both_at_once(db: Database, clock: ManualClock) -> None:
    sf = db.session_factory
    await add_member(sf, clock, 10, "bo_noi_vu")
    await add_member(sf, clock, 11, "bo_noi_vu")
    gate = asyncio.Barrier(2)

    async def post(user: int, percent: int) -> int:
        async with write_session(sf) as s:
            await gate.wait()  # both transactions are open before either writes
            row = await record_update(
                s,
                clock,
                user_id=user,
                agency_id="bo_noi_vu",
                task_id=TASK,
                status="in_progress",
                percent=percent,
                note=f"từ {user}",
            )
            return row.id

    before = await counts(sf)
    ids = await asyncio.gather(post(10, 40), post(11, 50))
    assert len(set(ids)) == 2
    async with sf() as s:
        rows = (await s.scalars(select(ProgressUpdate).order_by(ProgressUpdate.id))).all()
    assert sorted((r.author_id, r.percent) for r in rows) == [(10, 40), (11, 50)]
    assert await counts(sf) == (before[0] + 2, before[1] + 2)


async def test_two_officers_update_the_same_task_concurrently_on_postgres(
    postgres_database: Database, kb, clock: ManualClock
) -> None:
    await sync_knowledge(postgres_database.session_factory, kb, clock=clock)
    await _both_at_once(postgres_database, clock)


async def test_concurrent_updates_on_each_backend(
    synced_database: Database, clock: ManualClock
) -> None:
    """The same on SQLite too (BEGIN IMMEDIATE queues the second writer, nothing is lost)."""
    if synced_database.backend == "sqlite":
        # SQLite writers are serialised: the barrier would deadlock; run them racing freely.
        sf = synced_database.session_factory
        await add_member(sf, clock, 10, "bo_noi_vu")
        await add_member(sf, clock, 11, "bo_noi_vu")

        async def post(user: int) -> None:
            async with write_session(sf) as s:
                await record_update(
                    s,
                    clock,
                    user_id=user,
                    agency_id="bo_noi_vu",
                    task_id=TASK,
                    status="done",
                )

        await asyncio.gather(*(post(10 + i % 2) for i in range(6)))
        assert (await counts(sf))[0] == 6
    else:
        await _both_at_once(synced_database, clock)


async def test_last_use_of_a_code_goes_to_exactly_one_of_two_racers(
    synced_database: Database, clock: ManualClock
) -> None:
    sf = synced_database.session_factory
    async with write_session(sf) as s:
        issued = await issue_code(
            s, settings_with_admins(1), clock, actor_id=1, agency_id="bo_noi_vu"
        )

    async def join(user: int) -> JoinResult:
        async with write_session(sf) as s:
            return (await redeem_code(s, clock, user_id=user, code=issued.code)).result

    results = await asyncio.gather(join(20), join(21))
    assert sorted(results) == sorted([JoinResult.joined, JoinResult.used_up])


async def test_leaving_waits_for_an_update_already_checked_on_postgres(
    postgres_database: Database, kb, clock: ManualClock
) -> None:
    """The membership row checked by an update is locked until the update commits: a
    concurrent leave cannot land between the check and the write."""
    from bot.membership import leave

    sf = postgres_database.session_factory
    await sync_knowledge(sf, kb, clock=clock)
    await add_member(sf, clock, 10, "bo_noi_vu")
    checked = asyncio.Event()
    order: list[str] = []

    async def update() -> None:
        async with write_session(sf) as s:
            from bot.access import require_member

            await require_member(s, 10, "bo_noi_vu")
            checked.set()
            await asyncio.sleep(0.3)  # the leave below is waiting on our lock meanwhile
            await record_update(
                s, clock, user_id=10, agency_id="bo_noi_vu", task_id=TASK, status="done"
            )
            order.append("update")

    async def leave_now() -> None:
        await checked.wait()
        async with write_session(sf) as s:
            assert await leave(s, clock, user_id=10, agency_id="bo_noi_vu")
        order.append("leave")

    await asyncio.gather(update(), leave_now())
    assert order == ["update", "leave"]
    assert (await counts(sf))[0] == 1
