"""Event-loop stall while /chuatraloi groups the open unanswered questions (issue 12 #3).

A ticker coroutine wakes every 5 ms; the stall is its worst lateness while a curator's
list is built. Grouping is fuzzy matching, up to quadratic in distinct phrasings.

1. 10,000 distinct open questions (500 askers, 20 each: the most the per-asker daily cap
   lets in), grouped as before (on the event loop) and as now (``unanswered_groups``: in
   a worker thread);
2. one account sending 10,000 junk questions in a day: how many are stored (cap), and the
   stall of the list afterwards.

Run: `.venv/bin/python bench/curation_stall.py` (embedded SQLite).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import string
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import VN_TZ
from bot.curation.grouping import group_items
from bot.curation.questions import normalize_question, store_question
from bot.curation.review import WINDOW_DAYS, open_items, unanswered_groups
from bot.db.engine import Database, connect, read_session, write_session
from bot.db.migrate import upgrade
from bot.db.models_curation import QuestionKind, QuestionStatus, UnansweredQuestion

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
TICK = 0.005


def junk(rng: random.Random) -> str:
    words = rng.randint(4, 9)
    return " ".join(
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8))) for _ in range(words)
    )


async def fill(db: Database, rows: int, askers: int) -> None:
    rng = random.Random(rows)
    async with write_session(db.session_factory) as session:
        for i in range(rows):
            text = junk(rng)
            session.add(
                UnansweredQuestion(
                    asked_at=NOW - dt.timedelta(days=i % 20, minutes=i % 600),
                    pseudonym=f"asker{i % askers}",
                    lang="vi",
                    kind=QuestionKind.refused.value,
                    text=text,
                    normalized=normalize_question(text),
                    confidence=0.1,
                    candidates=[],
                    status=QuestionStatus.open.value,
                )
            )


async def stall_of(work: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    """(worst tick lateness ms, wall time ms, groups) while ``work`` runs."""
    worst = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not done.is_set():
            t0 = time.perf_counter()
            await asyncio.sleep(TICK)
            worst = max(worst, time.perf_counter() - t0 - TICK)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(TICK * 2)
    t0 = time.perf_counter()
    groups = await work()
    took = time.perf_counter() - t0
    done.set()
    await tick
    return worst * 1000, took * 1000, groups


async def before(db: Database) -> int:
    """The old path: read, then group on the event loop."""
    async with read_session(db.session_factory) as session:
        items = await open_items(session, NOW - dt.timedelta(days=WINDOW_DAYS))
    return len(group_items(items))


async def after(db: Database) -> int:
    async with read_session(db.session_factory) as session:
        return len(await unanswered_groups(session, NOW))


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/stall.db"
        await upgrade(url)
        db = connect(url)
        await fill(db, 10_000, 500)
        print("1. /chuatraloi over 10,000 distinct open questions (500 askers)")
        print(f"  {'':<34}{'stall ms':>10}{'wall ms':>10}{'groups':>8}")
        for name, work in (
            ("before: grouped on the event loop", before),
            ("after: worker thread", after),
        ):
            stall, took, groups = await stall_of(lambda w=work: w(db))
            print(f"  {name:<34}{stall:>10.0f}{took:>10.0f}{groups:>8}")
        await db.dispose()

        url = f"sqlite+aiosqlite:///{tmp}/flood.db"
        await upgrade(url)
        db = connect(url)
        rng = random.Random(4)
        async with write_session(db.session_factory) as session:
            stored = 0
            for i in range(10_000):
                qid = await store_question(
                    session,
                    at=NOW + dt.timedelta(seconds=i),
                    pseudonym="one-account",
                    text=junk(rng),
                    lang="vi",
                    kind=QuestionKind.refused,
                    confidence=0.1,
                    candidates=[],
                )
                stored += qid is not None
        print("2. one account sends 10,000 junk questions in a day")
        print(f"  stored for the curators: {stored} (before: 10,000)")
        stall, took, groups = await stall_of(lambda: after(db))
        print(f"  /chuatraloi afterwards: stall {stall:.0f} ms, {took:.0f} ms, {groups} groups")
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
