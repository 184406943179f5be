"""Database reads the scheduler needs: assignments, statuses, recipients, coordinators.

Small read-only queries written here (not in the persistence area) so the scheduler
can batch them for thousands of tasks; permission checks for writes stay with the
handlers that write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Agency,
    Membership,
    ProgressUpdate,
    Role,
    RoleKind,
    Status,
    Task,
    TaskAgency,
    User,
)
from bot.db.models_scheduler import Absence, ChatState, DeadlineOverride
from knowledge.deadlines import DeadlineError, parse_deadline


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
class Scope:
    """A coordinator's grant: everything, a level (optionally one place), or agency ids."""

    all: bool = False
    level: str | None = None
    place: str | None = None
    agencies: frozenset[str] = frozenset()

    def covers(self, agency: AgencyInfo) -> bool:
        if self.all or agency.id in self.agencies:
            return True
        if self.level is not None and self.level == agency.level:
            return self.place is None or self.place == agency.place
        return False


@dataclass(frozen=True)
class Coordinator:
    user_id: int
    lang: str
    scopes: tuple[Scope, ...]

    def covers(self, agency: AgencyInfo) -> bool:
        return any(scope.covers(agency) for scope in self.scopes)


def _recurrence(kind: str, text: str) -> str | None:
    if kind != "recurring":
        return None
    try:
        return parse_deadline(text).recurrence
    except DeadlineError:
        return None


def _period_end(kind: str, text: str) -> dt.date | None:
    if kind != "period":
        return None
    try:
        return parse_deadline(text).end
    except DeadlineError:
        return None


async def load_tasks(session: AsyncSession) -> dict[str, TaskInfo]:
    rows = (await session.execute(select(Task).where(Task.archived.is_(False)))).scalars()
    out = {}
    for t in rows:
        due = (
            t.due_date if t.due_date is not None else _period_end(t.deadline_kind, t.deadline_text)
        )
        out[t.id] = TaskInfo(
            t.id,
            t.document,
            t.ref,
            t.title,
            t.deadline_text,
            t.deadline_kind,
            due,
            _recurrence(t.deadline_kind, t.deadline_text),
            t.position,
        )
    return out


async def load_agencies(session: AsyncSession) -> dict[str, AgencyInfo]:
    rows = (await session.execute(select(Agency).where(Agency.archived.is_(False)))).scalars()
    return {a.id: AgencyInfo(a.id, a.name, a.level, a.place) for a in rows}


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


@dataclass(frozen=True)
class Progress:
    status: str
    effective_at: dt.datetime
    last_update: dt.datetime  # the newest update of any kind (for "silent" and check-ins)


async def load_progress(session: AsyncSession) -> dict[tuple[str, str], Progress]:
    """The current status of each (task, agency): its latest update not replaced by a
    correction; and when the agency last wrote anything about the task."""
    rows = (
        await session.execute(
            select(
                ProgressUpdate.id,
                ProgressUpdate.task_id,
                ProgressUpdate.agency_id,
                ProgressUpdate.status,
                ProgressUpdate.effective_at,
                ProgressUpdate.created_at,
                ProgressUpdate.corrects_id,
            )
        )
    ).all()
    corrected = {r.corrects_id for r in rows if r.corrects_id is not None}
    best: dict[tuple[str, str], tuple[dt.datetime, int, str]] = {}
    newest: dict[tuple[str, str], dt.datetime] = {}
    for r in rows:
        key = (r.task_id, r.agency_id)
        if newest.get(key) is None or r.created_at > newest[key]:
            newest[key] = r.created_at
        if r.id in corrected:
            continue
        rank = (r.effective_at, r.id, r.status)
        if key not in best or rank[:2] > best[key][:2]:
            best[key] = rank
    return {k: Progress(v[2], v[0], newest[k]) for k, v in best.items()}


def is_done(progress: Progress | None) -> bool:
    return progress is not None and progress.status == Status.done.value


async def away_user_ids(session: AsyncSession, today: dt.date) -> set[int]:
    rows = await session.execute(select(Absence.user_id).where(Absence.away_until >= today))
    return {r[0] for r in rows}


async def inactive_chat_ids(session: AsyncSession) -> set[int]:
    rows = await session.execute(select(ChatState.chat_id).where(ChatState.inactive.is_(True)))
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
