"""Progress writes and status reads (/capnhat, /tiendo) on SQLite and PostgreSQL, side by side.

Usage: ``python -m bench.progress_status [--updates 20000] [--reads 300]``

Set-up per backend: a fresh database migrated to head, the curated knowledge base
synced, 200 officers spread over the agencies that own tasks, then ``--updates``
progress rows written through ``record_update`` (each in its own write transaction,
with its permission check and audit row, as the bot does). Then ``--reads`` random
``task_progress`` (/tiendo <task>) and ``agency_progress`` (/tiendo <agency>) calls.

Prints per backend: writes/s and p50/p99 of the reads in milliseconds, and the ratio
PostgreSQL/SQLite for each figure. PostgreSQL is skipped (said so) when unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, write_session
from bot.db.migrate import open_database
from bot.db.sync import sync_knowledge
from bot.progress.service import agency_tasks, record_update
from bot.progress.status import agency_progress, task_progress
from knowledge.loader import load_knowledge

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
STATUSES = ("not_started", "in_progress", "done", "blocked")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _run(db: Database, updates: int, reads: int) -> dict[str, float]:
    clock = ManualClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    kb = load_knowledge()
    await sync_knowledge(db.session_factory, kb, clock=clock)
    rng = random.Random(44)
    owners: list[tuple[int, str, list[str]]] = []
    from bot.access import ensure_user
    from bot.db.models import Membership

    async with write_session(db.session_factory) as s:
        agencies = [a for a in kb.agencies if kb.tasks_of_agency(a)]
        for i in range(200):
            agency = agencies[i % len(agencies)]
            user_id = 10_000 + i
            await ensure_user(s, clock, user_id, display_name=f"Officer {i}")
            s.add(Membership(user_id=user_id, agency_id=agency, joined_at=clock.now()))
            tasks = [c.task_id for c in await agency_tasks(s, agency)]
            owners.append((user_id, agency, tasks))
    start = time.perf_counter()
    for _ in range(updates):
        user_id, agency, tasks = rng.choice(owners)
        clock.advance(minutes=1)
        async with write_session(db.session_factory) as s:
            await record_update(
                s,
                clock,
                user_id=user_id,
                agency_id=agency,
                task_id=rng.choice(tasks),
                status=rng.choice(STATUSES),
                percent=rng.randrange(0, 101),
                note="bench",
            )
    write_rate = updates / (time.perf_counter() - start)
    today = clock.now().date()
    task_ms: list[float] = []
    agency_ms: list[float] = []
    task_ids = list(kb.tasks)
    for _ in range(reads):
        async with db.session_factory() as s:
            t0 = time.perf_counter()
            await task_progress(s, rng.choice(task_ids), today)
            task_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            await agency_progress(s, rng.choice(owners)[1], today)
            agency_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "writes/s": write_rate,
        "task p50 ms": statistics.median(task_ms),
        "task p99 ms": _p(task_ms, 0.99),
        "agency p50 ms": statistics.median(agency_ms),
        "agency p99 ms": _p(agency_ms, 0.99),
    }


async def _sqlite(updates: int, reads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        try:
            return await _run(db, updates, reads)
        finally:
            await db.dispose()


async def _postgres(updates: int, reads: int) -> dict[str, float] | str:
    import asyncpg

    name = f"kl44bench_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(PG_ADMIN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"skipped: PostgreSQL unreachable ({type(exc).__name__})"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        db = await open_database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
        try:
            return await _run(db, updates, reads)
        finally:
            await db.dispose()
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    lite = await _sqlite(args.updates, args.reads)
    pg = await _postgres(args.updates, args.reads)
    print(f"progress: {args.updates} updates written, {args.reads} reads of each kind")
    print(f"{'':16}{'SQLite':>12}{'PostgreSQL':>14}{'PG/SQLite':>12}")
    for key, value in lite.items():
        if isinstance(pg, dict):
            other = pg[key]
            print(f"{key:16}{value:12.2f}{other:14.2f}{other / value:12.2f}")
        else:
            print(f"{key:16}{value:12.2f}{'-':>14}{'-':>12}")
    if not isinstance(pg, dict):
        print(f"PostgreSQL {pg}")


if __name__ == "__main__":
    asyncio.run(main())
