"""Where tasks stand: the current status per responsible agency, for /tiendo and digests.

The current version of an update is one no other row corrects; the current status
of (task, agency) is its latest current version by ``effective_at``. Overdue: the
task has a due date, it has passed (in Asia/Ho_Chi_Minh) and the agency has not
reported it done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

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


async def _latest(
    session: AsyncSession, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[ProgressUpdate, str | None]]:
    """The current row of each (task, agency) pair, ranked in SQL (one row per pair)."""
    if not pairs:
        return {}
    task_ids = sorted({t for t, _ in pairs})
    agency_ids = sorted({a for _, a in pairs})
    newer = aliased(ProgressUpdate)
    ranked = (
        select(
            ProgressUpdate.id.label("id"),
            func.row_number()
            .over(
                partition_by=(ProgressUpdate.task_id, ProgressUpdate.agency_id),
                order_by=(ProgressUpdate.effective_at.desc(), ProgressUpdate.id.desc()),
            )
            .label("rank"),
        )
        .outerjoin(newer, newer.corrects_id == ProgressUpdate.id)
        .where(
            ProgressUpdate.task_id.in_(task_ids),
            ProgressUpdate.agency_id.in_(agency_ids),
            newer.id.is_(None),
        )
        .subquery()
    )
    rows = await session.execute(
        select(ProgressUpdate, User.display_name)
        .join(ranked, ranked.c.id == ProgressUpdate.id)
        .join(User, User.id == ProgressUpdate.author_id)
        .where(ranked.c.rank == 1)
    )
    return {(row.task_id, row.agency_id): (row, name) for row, name in rows.all()}


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
    return await _build(session, [tuple(r) for r in rows.all()], today)  # type: ignore[misc]


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
    return await _build(session, [tuple(r) for r in rows.all()], today)  # type: ignore[misc]


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
    for row in await _build(session, [tuple(r) for r in rows.all()], today):  # type: ignore[misc]
        kept = out.get(row.task_id)
        if kept is None or (
            row.updated_at is not None
            and (kept.updated_at is None or row.updated_at > kept.updated_at)
        ):
            out[row.task_id] = row
    return out
