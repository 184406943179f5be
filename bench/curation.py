"""What the curation loop costs, side by side in one run (embedded SQLite database):

1. per question: answering alone vs answering + counting/logging it (the hook in the
   answer path), p50/p99 and the ratio;
2. /chuatraloi: grouping the open unanswered questions of 30 days, 1,000 vs 10,000 rows;
3. linking: rebuilding the engine with 0 vs 1,000 curated phrasings.

Run: `.venv/bin/python bench/curation.py`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.qa_latency import questions
from bot.clock import VN_TZ
from bot.curation.candidates import candidates_for
from bot.curation.live import build_engine
from bot.curation.pseudonym import pseudonym_key, pseudonymize
from bot.curation.questions import is_answered, log_question, store_question
from bot.curation.review import unanswered_groups
from bot.db.engine import connect, read_session, write_session
from bot.db.migrate import upgrade
from bot.db.models_curation import QuestionKind
from knowledge.engine import Engine
from knowledge.loader import load_knowledge

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def per_question(url: str, engine: Engine, qs: list[str]) -> tuple[list[float], list[float]]:
    db = connect(url)
    bare: list[float] = []
    hooked: list[float] = []
    async with write_session(db.session_factory) as session:
        key = await pseudonym_key(session, NOW)
    for i, q in enumerate(qs):
        t0 = time.perf_counter()
        engine.answer(q)
        bare.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        answer = engine.answer(q)
        cands = [] if is_answered(answer) else candidates_for(engine, q, answer)
        async with write_session(db.session_factory) as session:
            await log_question(
                session,
                at=NOW,
                pseudonym=pseudonymize(key, i % 50),
                text=q,
                answer=answer,
                candidates=cands,
            )
        hooked.append((time.perf_counter() - t0) * 1000)
    await db.dispose()
    return bare, hooked


async def grouping(url: str, rows: int, pool: list[str]) -> float:
    db = connect(url)
    rng = random.Random(rows)
    async with write_session(db.session_factory) as session:
        for i in range(rows):
            text = rng.choice(pool)
            if rng.random() < 0.5:  # a typo or a variant
                cut = rng.randrange(len(text))
                text = text[:cut] + text[cut + 1 :]
            await store_question(
                session,
                at=NOW - dt.timedelta(minutes=i),
                pseudonym=f"bench{i % 2_000}",  # many askers: one alone is capped per day
                text=text,
                lang="vi",
                kind=QuestionKind.refused,
                confidence=0.1,
                candidates=[("qd895_pl_ii_2", 0.2)],
            )
    t0 = time.perf_counter()
    async with read_session(db.session_factory) as session:
        groups = await unanswered_groups(session, NOW)
    took = time.perf_counter() - t0
    await db.dispose()
    print(f"  {rows:>6} rows -> {len(groups):>5} groups in {took * 1000:8.1f} ms")
    return took


async def main() -> None:
    kb = load_knowledge()
    engine = Engine(kb)
    qs = questions()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade(url)
        bare, hooked = await per_question(url, engine, qs)
        print(f"1. per question ({len(qs)} questions, SQLite)")
        print(f"  {'':<28}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
        for name, values in (("answer only", bare), ("answer + curation log", hooked)):
            print(
                f"  {name:<28}{pct(values, 50):>9.2f}{pct(values, 99):>9.2f}"
                f"{statistics.mean(values):>9.2f}"
            )
        print(f"  ratio mean hooked/bare: {statistics.mean(hooked) / statistics.mean(bare):.1f}x")

        print("2. /chuatraloi grouping (30 days of open questions)")
        # A pool of distinct out-of-scope questions, 300 of them.
        pool = [
            f"{q} {w}"
            for q in qs[:30]
            for w in (
                "tet",
                "mua lu",
                "app",
                "quy",
                "dong phuc",
                "so cuu",
                "hien mau",
                "nuoc sach",
                "tre em",
                "nguoi gia",
            )
        ]
        timings = []
        for n, rows in enumerate((1_000, 10_000)):
            group_url = f"sqlite+aiosqlite:///{tmp}/groups{n}.db"
            await upgrade(group_url)
            timings.append(await grouping(group_url, rows, pool))
        small, large = timings
        print(f"  ratio 10,000/1,000 rows: {large / small:.1f}x")

    print("3. link: engine rebuild")
    tasks = list(kb.tasks)
    rng = random.Random(44)
    phrasings: dict[str, list[str]] = {}
    for i in range(1_000):
        phrasings.setdefault(rng.choice(tasks), []).append(f"{rng.choice(qs)} {i}")
    timings = {}
    for name, extra in (("0 phrasings", {}), ("1,000 phrasings", phrasings)):
        t0 = time.perf_counter()
        build_engine(kb, extra)
        timings[name] = time.perf_counter() - t0
        print(f"  {name:<18}{timings[name] * 1000:8.1f} ms")
    print(f"  ratio: {timings['1,000 phrasings'] / timings['0 phrasings']:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
