"""The weekly digest for 1,000 agencies x 20 tasks: how long it takes to build.

Usage: ``python -m bench.digest [--agencies 1000] [--tasks-per-agency 20] [--postgres URL]``

Builds a synthetic database (SQLite file by default): 1,000 agencies, 20,000 tasks
(each led by one agency, most with a dated deadline, some recurring/conditional), one
officer per agency and about one progress update per task, plus a coordinator whose
scope is every agency. Then times, for that coordinator:

- ``build``: read the snapshot + this week's updates, compute the digest, render the text;
- ``chart``: draw the PNG (matplotlib, in the helper process the bot uses; the first
  call includes starting that process and importing matplotlib);
- ``total``: both, the way the weekly job does it.

Budget: total <= 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bot.clock import VN_TZ
from bot.db.engine import Database, read_session, write_session
from bot.db.migrate import open_database
from bot.db.models import Agency, Membership, ProgressUpdate, Role, Task, TaskAgency, User
from bot.digest.build import build_digest, read_inputs, week_start
from bot.digest.chart import ChartRenderer
from bot.digest.texts import render_digest
from bot.progress import queries
from bot.progress.queries import read_snapshot
from scheduler.workdays import default_calendar

NOW = dt.datetime(2027, 6, 14, 8, 0, tzinfo=VN_TZ)
LEVELS = ("central", "province", "district", "commune")


async def populate(db: Database, agencies: int, per_agency: int, seed: int = 44) -> None:
    rnd = random.Random(seed)
    t0 = NOW - dt.timedelta(days=400)
    agency_rows = [
        {
            "id": f"ag{i:05d}",
            "name": f"Cơ quan số {i}",
            "level": LEVELS[i % 4],
            "place": None,
            "generic": False,
            "archived": False,
            "synced_at": t0,
        }
        for i in range(agencies)
    ]
    tasks, links, updates = [], [], []
    for i in range(agencies):
        for j in range(per_agency):
            task_id = f"t{i:05d}_{j:02d}"
            kind = rnd.choices(["date", "recurring", "conditional"], [8, 1, 1])[0]
            due = (
                (NOW + dt.timedelta(days=rnd.randint(-90, 180))).date() if kind == "date" else None
            )
            text = {
                "date": due.strftime("%d/%m/%Y") if due else "",
                "recurring": "Hàng năm",
                "conditional": "Sau khi Đề án được thông qua",
            }[kind]
            tasks.append(
                {
                    "id": task_id,
                    "document": "synthetic",
                    "ref": f"{i}.{j}",
                    "title": f"Nhiệm vụ tổng hợp số {j} của cơ quan {i}",
                    "deadline_text": text,
                    "deadline_kind": kind,
                    "due_date": due,
                    "archived": False,
                    "position": j,
                    "synced_at": t0,
                }
            )
            links.append({"task_id": task_id, "agency_id": f"ag{i:05d}", "role": "lead"})
            if j % 5 == 0:
                links.append(
                    {
                        "task_id": task_id,
                        "agency_id": f"ag{(i + 1) % agencies:05d}",
                        "role": "coordinate",
                    }
                )
            if rnd.random() < 0.9:
                at = NOW - dt.timedelta(days=rnd.randint(0, 60), minutes=rnd.randint(0, 600))
                updates.append(
                    {
                        "task_id": task_id,
                        "agency_id": f"ag{i:05d}",
                        "author_id": 100000 + i,
                        "status": rnd.choice(["in_progress", "done", "blocked", "not_started"]),
                        "note": "",
                        "created_at": at,
                        "effective_at": at,
                    }
                )
    users = [
        {"id": 100000 + i, "display_name": "", "language": "vi", "created_at": t0}
        for i in range(agencies)
    ] + [{"id": 9, "display_name": "", "language": "vi", "created_at": t0}]
    members = [
        {"user_id": 100000 + i, "agency_id": f"ag{i:05d}", "joined_at": t0} for i in range(agencies)
    ]
    async with write_session(db.session_factory) as s:
        for model, rows in (
            (Agency, agency_rows),
            (Task, tasks),
            (TaskAgency, links),
            (User, users),
            (Membership, members),
            (ProgressUpdate, updates),
        ):
            for k in range(0, len(rows), 2000):
                await s.execute(insert(model), rows[k : k + 2000])
        await s.execute(
            insert(Role),
            [
                {
                    "user_id": 9,
                    "role": "coordinator",
                    "scope_all": True,
                    "granted_by": 1,
                    "granted_at": t0,
                }
            ],
        )


async def one_digest(db: Database, charts: ChartRenderer) -> tuple[float, float, int, int]:
    calendar = default_calendar()
    start = time.perf_counter()
    async with read_session(db.session_factory) as s:
        [coordinator] = await queries.coordinators(s)
    snap = await read_snapshot(db.session_factory)
    today = NOW.date()
    async with read_session(db.session_factory) as s:
        since = calendar.at(week_start(today), dt.time(0))
        inputs = await read_inputs(s, snap, since, today)
    digest = build_digest(inputs, coordinator.covers, NOW, calendar)
    text = render_digest("vi", digest, "tất cả cơ quan")
    built = time.perf_counter() - start
    start = time.perf_counter()
    png = await charts.render("vi", digest.by_group, "Tình trạng nhiệm vụ")
    charted = time.perf_counter() - start
    return built, charted, len(text), len(png)


async def main(agencies: int, per_agency: int, url: str | None, runs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(url or f"sqlite+aiosqlite:///{Path(tmp) / 'digest.db'}")
        try:
            start = time.perf_counter()
            await populate(db, agencies, per_agency)
            print(
                f"{db.backend}: {agencies} agencies x {per_agency} tasks populated in "
                f"{time.perf_counter() - start:.1f} s"
            )
            charts = ChartRenderer()  # as the bot draws: in a helper process
            try:
                results = [await one_digest(db, charts) for _ in range(runs)]
            finally:
                charts.close()
        finally:
            await db.dispose()
    builds = [r[0] for r in results]
    charts = [r[1] for r in results]
    totals = [a + b for a, b in zip(builds, charts, strict=True)]
    print(f"message {results[0][2]} characters, chart {results[0][3] // 1024} KiB")
    print(f"build  first {builds[0]:.3f} s  median {statistics.median(builds):.3f} s")
    print(
        f"chart  first {charts[0]:.3f} s  median {statistics.median(charts):.3f} s "
        "(first includes starting the chart process)"
    )
    warm = totals[1:] or totals
    median = statistics.median(warm)
    verdict = "OK" if median <= 2.0 else "FAILS BUDGET"
    print(
        f"total  warm: best {min(warm):.3f} s  median {median:.3f} s  worst {max(warm):.3f} s"
        f"  (budget 2.0 s: {verdict})"
    )
    print(f"total  cold (first digest after start: chart process starts) {totals[0]:.3f} s")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs during the run")
    return 0 if median <= 2.0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--tasks-per-agency", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL", help="a database URL instead of SQLite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    raise SystemExit(
        asyncio.run(main(args.agencies, args.tasks_per_agency, args.postgres, args.runs))
    )
