"""What every task owes and where it stands, read in bulk: tasks, agencies, who is
responsible, deadline overrides, current statuses, officers, coordinators, absences.

Plain columns into small records, so the reminder scan, the digest and the export can
read thousands of tasks at once (``read_snapshot``); :func:`assignments` joins them into
one record per (task, agency). Permission checks for writes stay with the writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionFactory, read_session
from bot.db.models import (
    Agency,
    Membership,
    Role,
    RoleKind,
    Task,
    TaskAgency,
    User,
)
from bot.db.models_scheduler import Absence, DeadlineOverride
from bot.progress.status import Progress, current_statuses, is_done
from bot.scope import Scope
from knowledge.deadlines import DeadlineError, parse_deadline


@dataclass(slots=True)
class TaskInfo:
    id: str
    document: str
    ref: str
    title: str
    deadline_text: str
    kind: str
    due: dt.date | None
    recurrence: str | None
    position: int


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    id: str
    name: str
    level: str
    place: str | None


@dataclass(frozen=True)
class Person:
    user_id: int
    lang: str


@dataclass(frozen=True)
class Coordinator:
    user_id: int
    lang: str
    scopes: tuple[Scope, ...]

    def covers(self, agency: AgencyInfo) -> bool:
        return any(scope.covers(agency) for scope in self.scopes)


@lru_cache(maxsize=4096)
def parsed_deadline(kind: str, text: str) -> tuple[str | None, dt.date | None]:
    """(recurrence, period end) of a printed deadline; printed texts repeat a lot."""
    if kind not in ("recurring", "period"):
        return None, None
    try:
        deadline = parse_deadline(text)
    except DeadlineError:
        return None, None
    return (deadline.recurrence if kind == "recurring" else None), (
        deadline.end if kind == "period" else None
    )


async def load_tasks(session: AsyncSession) -> dict[str, TaskInfo]:
    # Plain columns, not ORM objects: this runs over every task on every scan.
    rows = await session.execute(
        select(
            Task.id,
            Task.document,
            Task.ref,
            Task.title,
            Task.deadline_text,
            Task.deadline_kind,
            Task.due_date,
            Task.position,
        ).where(Task.archived.is_(False))
    )
    out = {}
    for task_id, document, ref, title, text, kind, due, position in rows:
        recurrence, period_end = parsed_deadline(kind, text)
        out[task_id] = TaskInfo(
            task_id, document, ref, title, text, kind, due or period_end, recurrence, position
        )
    return out


async def load_agencies(session: AsyncSession) -> dict[str, AgencyInfo]:
    rows = await session.execute(
        select(Agency.id, Agency.name, Agency.level, Agency.place).where(Agency.archived.is_(False))
    )
    return {a: AgencyInfo(a, name, level, place) for a, name, level, place in rows}


async def load_task_agencies(session: AsyncSession) -> list[tuple[str, str, str]]:
    """(task_id, agency_id, role) of every responsibility."""
    rows = await session.execute(
        select(TaskAgency.task_id, TaskAgency.agency_id, TaskAgency.role).order_by(
            TaskAgency.task_id, TaskAgency.agency_id
        )
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def load_overrides(session: AsyncSession) -> dict[tuple[str, str], dt.date]:
    rows = await session.execute(
        select(DeadlineOverride.task_id, DeadlineOverride.agency_id, DeadlineOverride.due_date)
    )
    return {(r[0], r[1]): r[2] for r in rows}


async def away_user_ids(session: AsyncSession, today: dt.date) -> set[int]:
    rows = await session.execute(select(Absence.user_id).where(Absence.away_until >= today))
    return {r[0] for r in rows}


async def agency_members(
    session: AsyncSession, agency_ids: Iterable[str] | None = None
) -> dict[str, list[Person]]:
    """Current officers of each agency (all agencies when ``agency_ids`` is None)."""
    query = (
        select(Membership.agency_id, User.id, User.language)
        .join(User, User.id == Membership.user_id)
        .where(Membership.left_at.is_(None))
        .order_by(Membership.agency_id, User.id)
    )
    if agency_ids is not None:
        query = query.where(Membership.agency_id.in_(list(agency_ids)))
    out: dict[str, list[Person]] = defaultdict(list)
    for agency_id, user_id, lang in await session.execute(query):
        out[agency_id].append(Person(user_id, lang or "vi"))
    return out


async def user_agencies(session: AsyncSession, user_id: int) -> list[str]:
    rows = await session.execute(
        select(Membership.agency_id).where(
            Membership.user_id == user_id, Membership.left_at.is_(None)
        )
    )
    return [r[0] for r in rows]


async def coordinators(session: AsyncSession, user_id: int | None = None) -> list[Coordinator]:
    """Users with a current coordinator grant, with all their scopes."""
    query = (
        select(Role, User.language)
        .join(User, User.id == Role.user_id)
        .where(Role.role == RoleKind.coordinator.value, Role.revoked_at.is_(None))
        .order_by(Role.user_id, Role.id)
    )
    if user_id is not None:
        query = query.where(Role.user_id == user_id)
    scopes: dict[int, list[Scope]] = defaultdict(list)
    langs: dict[int, str] = {}
    for role, lang in await session.execute(query):
        langs[role.user_id] = lang or "vi"
        scopes[role.user_id].append(
            Scope(
                all=bool(role.scope_all),
                level=role.scope_level,
                place=role.scope_place,
                agencies=frozenset(role.scope_agencies or ()),
            )
        )
    return [Coordinator(uid, langs[uid], tuple(s)) for uid, s in scopes.items()]


@dataclass(slots=True)
class Assignment:
    """One agency's responsibility for one task, with what is known about it.

    ``kind`` is the task's deadline kind after overrides: a coordinator's date turns
    any task into ``"date"`` with ``due`` set.
    """

    task_id: str
    agency_id: str
    role: str  # "lead" | "coordinate"
    kind: str  # "date" | "period" | "recurring" | "conditional" | "none"
    due: dt.date | None = None
    recurrence: str | None = None  # "yearly" | "ongoing" for kind "recurring"
    done: bool = False
    last_update: dt.datetime | None = None


@dataclass
class Snapshot:
    """Everything a scan or a digest reads, in one read transaction."""

    tasks: dict[str, TaskInfo]
    agencies: dict[str, AgencyInfo]
    links: list[tuple[str, str, str]]
    overrides: dict[tuple[str, str], dt.date]
    progress: dict[tuple[str, str], Progress]


async def read_snapshot(session_factory: SessionFactory) -> Snapshot:
    async with read_session(session_factory) as s:
        return Snapshot(
            tasks=await load_tasks(s),
            agencies=await load_agencies(s),
            links=await load_task_agencies(s),
            overrides=await load_overrides(s),
            progress=await current_statuses(s),
        )


def assignments(snap: Snapshot) -> list[Assignment]:
    out = []
    for task_id, agency_id, role in snap.links:
        task = snap.tasks.get(task_id)
        if task is None or agency_id not in snap.agencies:
            continue
        override = snap.overrides.get((task_id, agency_id))
        progress = snap.progress.get((task_id, agency_id))
        kind, due = task.kind, task.due
        if override is not None:
            kind, due = "date", override
        out.append(
            Assignment(
                task_id=task_id,
                agency_id=agency_id,
                role=role,
                kind=kind,
                due=due,
                recurrence=task.recurrence,
                done=is_done(progress),
                last_update=progress.last_update if progress else None,
            )
        )
    return out
