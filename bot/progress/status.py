"""Where tasks stand: the current status per responsible agency, for /tiendo and digests.

The current version of an update is one no other row corrects; the current status
of (task, agency) is its latest current version by ``effective_at``. Overdue: the
task has a due date, it has passed (in Asia/Ho_Chi_Minh) and the agency has not
reported it done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Subquery, and_, func, select
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agency, ProgressUpdate, Status, Task, TaskAgency, User
from bot.progress.refs import short_code


@dataclass(frozen=True)
class AgencyProgress:
    task_id: str
    task_code: str
    task_title: str
    agency_id: str
    agency_name: str
    role: str  # lead | coordinate
    status: str | None  # None: no update yet
    percent: int | None
    note: str
    updated_at: dt.datetime | None
    author_name: str | None
    due_date: dt.date | None
    deadline_text: str
    overdue: bool
    update_id: int | None


def _overdue(due: dt.date | None, status: str | None, today: dt.date) -> bool:
    return due is not None and today > due and status != Status.done.value


def is_current() -> ColumnElement[bool]:
    """The one test of "current version": no other row corrects this one."""
    replaced = select(ProgressUpdate.corrects_id).where(ProgressUpdate.corrects_id.is_not(None))
    return ProgressUpdate.id.not_in(replaced)


def _ranked_current(*where: ColumnElement[bool]) -> Subquery:
    """Current versions numbered per (task, agency), newest first: rank 1 is the status."""
    return (
        select(
            ProgressUpdate.id.label("id"),
            ProgressUpdate.task_id.label("task_id"),
            ProgressUpdate.agency_id.label("agency_id"),
            ProgressUpdate.status.label("status"),
            func.row_number()
            .over(
                partition_by=(ProgressUpdate.task_id, ProgressUpdate.agency_id),
                order_by=(ProgressUpdate.effective_at.desc(), ProgressUpdate.id.desc()),
            )
            .label("rank"),
        )
        .where(is_current(), *where)
        .subquery()
    )


async def _latest(
    session: AsyncSession, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[ProgressUpdate, str | None]]:
    """The current row of each (task, agency) pair, ranked in SQL (one row per pair)."""
    if not pairs:
        return {}
    ranked = _ranked_current(
        ProgressUpdate.task_id.in_(sorted({t for t, _ in pairs})),
        ProgressUpdate.agency_id.in_(sorted({a for _, a in pairs})),
    )
    rows = await session.execute(
        select(ProgressUpdate, User.display_name)
        .join(ranked, ranked.c.id == ProgressUpdate.id)
        .join(User, User.id == ProgressUpdate.author_id)
        .where(ranked.c.rank == 1)
    )
    return {(row.task_id, row.agency_id): (row, name) for row, name in rows.all()}


@dataclass(slots=True)
class Progress:
    """Where one (task, agency) stands, for the reminder scan, the digest and the export."""

    status: str
    last_update: dt.datetime  # the newest row of any kind (for "silent" and check-ins)

    @property
    def done(self) -> bool:
        return self.status == Status.done.value


def is_done(progress: Progress | None) -> bool:
    return progress is not None and progress.done


async def current_statuses(session: AsyncSession) -> dict[tuple[str, str], Progress]:
    """The current status of every (task, agency) that has one, and when the agency last
    wrote about the task. Reduced in SQL (window functions: SQLite >= 3.25, PostgreSQL),
    so only one row per pair comes back."""
    ranked = _ranked_current()
    current = await session.execute(
        select(ranked.c.task_id, ranked.c.agency_id, ranked.c.status).where(ranked.c.rank == 1)
    )
    key = (ProgressUpdate.task_id, ProgressUpdate.agency_id)
    # Two simple queries merged here are faster than one with two windows or a join.
    newest = {
        (task_id, agency_id): last
        for task_id, agency_id, last in await session.execute(
            select(*key, func.max(ProgressUpdate.created_at)).group_by(*key)
        )
    }
    return {
        (task_id, agency_id): Progress(status, _aware(newest[(task_id, agency_id)]))
        for task_id, agency_id, status in current
    }


def _aware(value: dt.datetime | str) -> dt.datetime:
    """``max()`` over a column loses its type on SQLite (a string comes back)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _triples(
    rows: Result[Task, TaskAgency, Agency],
) -> list[tuple[Task, TaskAgency, Agency]]:
    return [(task, link, agency) for task, link, agency in rows.all()]


async def _build(
    session: AsyncSession, rows: list[tuple[Task, TaskAgency, Agency]], today: dt.date
) -> list[AgencyProgress]:
    latest = await _latest(session, [(t.id, a.id) for t, _, a in rows])
    out = []
    for task, link, agency in rows:
        found = latest.get((task.id, agency.id))
        update, author = found if found else (None, None)
        status = update.status if update else None
        out.append(
            AgencyProgress(
                task_id=task.id,
                task_code=short_code(task.ref),
                task_title=task.title,
                agency_id=agency.id,
                agency_name=agency.name,
                role=link.role,
                status=status,
                percent=update.percent if update else None,
                note=update.note if update else "",
                updated_at=update.effective_at if update else None,
                author_name=author,
                due_date=task.due_date,
                deadline_text=task.deadline_text,
                overdue=_overdue(task.due_date, status, today),
                update_id=update.id if update else None,
            )
        )
    return out


async def task_progress(
    session: AsyncSession, task_id: str, today: dt.date
) -> list[AgencyProgress]:
    """One line per responsible agency of the task (leads first)."""
    rows = await session.execute(
        select(Task, TaskAgency, Agency)
        .join(TaskAgency, TaskAgency.task_id == Task.id)
        .join(Agency, Agency.id == TaskAgency.agency_id)
        .where(Task.id == task_id)
        .order_by(TaskAgency.role.desc(), Agency.name)
    )
    return await _build(session, _triples(rows), today)


async def agency_progress(
    session: AsyncSession, agency_id: str, today: dt.date
) -> list[AgencyProgress]:
    """One line per live task of the agency (leads first, document order)."""
    rows = await session.execute(
        select(Task, TaskAgency, Agency)
        .join(TaskAgency, and_(TaskAgency.task_id == Task.id, TaskAgency.agency_id == agency_id))
        .join(Agency, Agency.id == TaskAgency.agency_id)
        .where(Task.archived.is_(False))
        .order_by(TaskAgency.role.desc(), Task.position)
    )
    return await _build(session, _triples(rows), today)


async def history(session: AsyncSession, task_id: str, agency_id: str) -> list[ProgressUpdate]:
    """Every row, oldest first (corrections included): the append-only record."""
    rows = await session.scalars(
        select(ProgressUpdate)
        .where(ProgressUpdate.task_id == task_id, ProgressUpdate.agency_id == agency_id)
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    return list(rows.all())


async def lead_status(
    session: AsyncSession, task_ids: list[str], today: dt.date
) -> dict[str, AgencyProgress]:
    """Per task, where its lead agencies stand: the most recent current update among
    them, else the first lead with none (for the status beside a listed task)."""
    if not task_ids:
        return {}
    rows = await session.execute(
        select(Task, TaskAgency, Agency)
        .join(TaskAgency, TaskAgency.task_id == Task.id)
        .join(Agency, Agency.id == TaskAgency.agency_id)
        .where(Task.id.in_(sorted(set(task_ids))), TaskAgency.role == "lead")
        .order_by(Agency.name)
    )
    out: dict[str, AgencyProgress] = {}
    for row in await _build(session, _triples(rows), today):
        kept = out.get(row.task_id)
        if kept is None or (
            row.updated_at is not None
            and (kept.updated_at is None or row.updated_at > kept.updated_at)
        ):
            out[row.task_id] = row
    return out
