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
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Agency,
    Membership,
    Role,
    RoleKind,
    Task,
    TaskAgency,
    User,
)
from bot.db.models_scheduler import Absence, ChatState, DeadlineOverride
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
