"""The coordinators' digest: what a coordinator's scope looks like this week.

``build_digest`` computes plain numbers and short lists from a snapshot of the
database; ``render_digest`` turns them into a compact message for a phone chat
(dates through Babel, text through the catalogs). The weekly job sends it on Monday
08:00 (configurable; on a day off the working day before), once per coordinator and
week (``digest_runs``); /baocao builds the same digest on demand.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProgressUpdate
from bot.progress import queries
from bot.progress.queries import Snapshot, assignments
from bot.progress.status import is_current

DUE_SOON_DAYS = 14
SILENT_DAYS = 30
LIST_LIMIT = 5
MAX_MESSAGE = 4000


class HasTimeZone(Protocol):
    """The working calendar's time zone (Asia/Ho_Chi_Minh): days and weeks are local."""

    @property
    def tz(self) -> dt.tzinfo: ...


@dataclass(frozen=True)
class Item:
    task_id: str
    ref: str
    title: str
    agency: str
    day: dt.date


@dataclass
class Digest:
    today: dt.date
    week_start: dt.date
    agencies: int = 0
    tasks: int = 0
    due_soon: list[Item] = field(default_factory=list)
    due_soon_count: int = 0
    overdue: list[Item] = field(default_factory=list)
    overdue_count: int = 0
    updates: list[Item] = field(default_factory=list)
    updates_count: int = 0
    silent: list[str] = field(default_factory=list)
    silent_count: int = 0
    registrations: list[tuple[str, int]] = field(default_factory=list)
    #: status counts per group (agency level or agency name) for the chart
    by_group: dict[str, Counter[str]] = field(default_factory=dict)


@dataclass
class DigestInputs:
    snapshot: Snapshot
    updates: list[tuple[str, str, str, dt.datetime]]  # task, agency, status, created_at
    members: dict[str, list[queries.Person]]
    away: set[int]


async def read_inputs(
    session: AsyncSession, snap: Snapshot, since: dt.datetime, today: dt.date
) -> DigestInputs:
    rows = await session.execute(
        select(
            ProgressUpdate.task_id,
            ProgressUpdate.agency_id,
            ProgressUpdate.status,
            ProgressUpdate.created_at,
        )
        .where(ProgressUpdate.created_at >= since, is_current())  # a correction replaces
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    )
    return DigestInputs(
        snapshot=snap,
        updates=[(a, b, c, d) for a, b, c, d in rows],
        members=await queries.agency_members(session),
        away=await queries.away_user_ids(session, today),
    )


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_digest(
    inputs: DigestInputs,
    in_scope: Callable[[queries.AgencyInfo], bool],
    now: dt.datetime,
    calendar: HasTimeZone,
    *,
    group_by_level: bool | None = None,
) -> Digest:
    snap = inputs.snapshot
    today = now.astimezone(calendar.tz).date()
    monday = week_start(today)
    digest = Digest(today=today, week_start=monday)
    agencies = {aid: a for aid, a in snap.agencies.items() if in_scope(a)}
    digest.agencies = len(agencies)
    if group_by_level is None:
        group_by_level = len(agencies) > 12
    tasks: set[str] = set()
    open_agencies: set[str] = set()
    # (day, ref, agency name, task id): Items are made only for the few listed
    due_soon: list[tuple[dt.date, str, str, str]] = []
    overdue: list[tuple[dt.date, str, str, str]] = []
    by_group: dict[str, Counter[str]] = {}
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    progress_of = snap.progress.get
    for a in assignments(snap):
        agency = agencies.get(a.agency_id)
        if agency is None:
            continue
        tasks.add(a.task_id)
        progress = progress_of((a.task_id, a.agency_id))
        status = progress.status if progress else "not_started"
        due = a.due if a.kind in ("date", "period") else None
        late = due is not None and not a.done and due < today
        group = agency.level if group_by_level else agency.name
        counter = by_group.get(group)
        if counter is None:
            counter = by_group[group] = Counter()
        counter["overdue" if late else status] += 1
        if a.done:
            continue
        open_agencies.add(a.agency_id)
        if due is None:
            continue
        if late:
            if a.role == "lead":
                overdue.append((due, snap.tasks[a.task_id].ref, agency.name, a.task_id))
        elif due <= horizon:
            due_soon.append((due, snap.tasks[a.task_id].ref, agency.name, a.task_id))
    digest.tasks = len(tasks)

    def items(rows: list[tuple[dt.date, str, str, str]]) -> list[Item]:
        return [
            Item(task_id, ref, snap.tasks[task_id].title, name, day)
            for day, ref, name, task_id in heapq.nsmallest(LIST_LIMIT, rows)
        ]

    digest.due_soon_count, digest.due_soon = len(due_soon), items(due_soon)
    digest.overdue_count, digest.overdue = len(overdue), items(overdue)

    since = dt.datetime.combine(monday, dt.time(0), tzinfo=calendar.tz)
    updates = []
    for task_id, agency_id, _status, created in inputs.updates:
        agency = agencies.get(agency_id)
        task = snap.tasks.get(task_id)
        if agency is None or task is None or created < since:
            continue
        updates.append(
            Item(task_id, task.ref, task.title, agency.name, created.astimezone(calendar.tz).date())
        )
    digest.updates_count, digest.updates = len(updates), updates[:LIST_LIMIT]

    silent_since = now - dt.timedelta(days=SILENT_DAYS)
    last: dict[str, dt.datetime] = {}
    for (_task, agency_id), progress in snap.progress.items():
        if agency_id in agencies and (
            agency_id not in last or progress.last_update > last[agency_id]
        ):
            last[agency_id] = progress.last_update
    silent = []
    for agency_id in sorted(open_agencies, key=lambda i: agencies[i].name):
        if last.get(agency_id) is not None and last[agency_id] >= silent_since:
            continue
        officers = inputs.members.get(agency_id, [])
        if officers and all(p.user_id in inputs.away for p in officers):
            continue  # everyone there is away: not silent
        silent.append(agencies[agency_id].name)
    digest.silent_count, digest.silent = len(silent), silent[:LIST_LIMIT]
    digest.by_group = by_group
    return digest
