"""Writes of progress updates, each checked at the moment of writing.

``record_update``: the author must currently belong to the agency, the task must be
live and led or coordinated by that agency, the values valid. ``correct_update``:
only the author, within 24 hours of the original update, still a member, and only
the latest version of an update (a correction is a new row linked to the old one;
nothing is ever changed or deleted). Both are audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.access import (
    AccessDenied,
    NotFound,
    coordinator_scopes,
    ensure_user,
    is_coordinator,
    member_agencies,
    require_member,
)
from bot.clock import Clock
from bot.db.models import NOTE_MAX_CHARS, Agency, ProgressUpdate, Status, Task, TaskAgency
from bot.progress.parse import ParseError, check_note, parse_one_line
from bot.progress.refs import Candidate, resolve, short_code
from bot.progress.status import AgencyProgress, agency_progress, task_progress
from bot.session import Work

CORRECTION_WINDOW = dt.timedelta(hours=24)

#: A saved update as the service returns it (an append-only row; corrections link back).
SavedUpdate = ProgressUpdate


async def agency_tasks(session: AsyncSession, agency_id: str) -> list[Candidate]:
    """Live tasks the agency leads or coordinates, in document order (leads first)."""
    rows = await session.execute(
        select(Task, TaskAgency.role)
        .join(TaskAgency, TaskAgency.task_id == Task.id)
        .where(TaskAgency.agency_id == agency_id, Task.archived.is_(False))
        .order_by(TaskAgency.role.desc(), Task.position)
    )
    return [
        Candidate(task.id, short_code(task.ref), task.ref, task.title, agency_id)
        for task, _role in rows.all()
    ]


async def writable_tasks(session: AsyncSession, user_id: int) -> list[Candidate]:
    """Every (agency, task) pair the user may post on, agency by agency."""
    out: list[Candidate] = []
    for agency_id in await member_agencies(session, user_id):
        out.extend(await agency_tasks(session, agency_id))
    return out


async def responsible(session: AsyncSession, task_id: str, agency_id: str) -> bool:
    row = await session.scalar(
        select(TaskAgency.role)
        .join(Task, Task.id == TaskAgency.task_id)
        .where(
            TaskAgency.task_id == task_id,
            TaskAgency.agency_id == agency_id,
            Task.archived.is_(False),
        )
    )
    return row is not None


def _check_values(status: str, percent: int | None, note: str) -> tuple[Status, str]:
    try:
        value = Status(status)
    except ValueError:
        raise ParseError("bad_status") from None
    if percent is not None and not 0 <= percent <= 100:
        raise ParseError("percent_range", value=percent)
    return value, check_note(note)


async def record_update(
    session: AsyncSession,
    clock: Clock,
    *,
    user_id: int,
    agency_id: str,
    task_id: str,
    status: str,
    percent: int | None = None,
    note: str = "",
) -> ProgressUpdate:
    value, note = _check_values(status, percent, note)
    await require_member(session, user_id, agency_id)
    if not await responsible(session, task_id, agency_id):
        raise AccessDenied("not_responsible")
    await ensure_user(session, clock, user_id)
    now = clock.now()
    row = ProgressUpdate(
        task_id=task_id,
        agency_id=agency_id,
        author_id=user_id,
        status=value.value,
        percent=percent,
        note=note,
        created_at=now,
        effective_at=now,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        clock,
        actor_id=user_id,
        action="progress.update",
        object_type="task",
        object_id=task_id,
        agency_id=agency_id,
        update_id=row.id,
        status=value.value,
        percent=percent,
    )
    return row


async def _root(session: AsyncSession, row: ProgressUpdate) -> ProgressUpdate:
    seen = 0
    while row.corrects_id is not None and seen < 1000:
        parent = await session.get(ProgressUpdate, row.corrects_id)
        if parent is None:
            break
        row = parent
        seen += 1
    return row


async def is_superseded(session: AsyncSession, update_id: int) -> bool:
    found = await session.scalar(
        select(ProgressUpdate.id).where(ProgressUpdate.corrects_id == update_id)
    )
    return found is not None


async def _within_window(session: AsyncSession, clock: Clock, row: ProgressUpdate) -> bool:
    """The one correction-window rule: 24 hours from the original update of the chain."""
    root = await _root(session, row)
    return clock.now() - root.created_at <= CORRECTION_WINDOW


async def correctable(
    session: AsyncSession, clock: Clock, *, user_id: int, update_id: int
) -> ProgressUpdate:
    """The update ``user_id`` may correct now; else NotFound or AccessDenied with the reason
    (not_author, not_member, not_responsible, too_late, already_corrected)."""
    old = await session.get(ProgressUpdate, update_id)
    if old is None:
        raise NotFound(str(update_id))
    if old.author_id != user_id:
        raise AccessDenied("not_author")
    await require_member(session, user_id, old.agency_id)
    if not await responsible(session, old.task_id, old.agency_id):
        raise AccessDenied("not_responsible")
    if not await _within_window(session, clock, old):
        raise AccessDenied("too_late")
    if await is_superseded(session, old.id):
        raise AccessDenied("already_corrected")
    return old


async def correct_update(
    session: AsyncSession,
    clock: Clock,
    *,
    user_id: int,
    update_id: int,
    status: str,
    percent: int | None = None,
    note: str = "",
) -> ProgressUpdate:
    value, note = _check_values(status, percent, note)
    old = await correctable(session, clock, user_id=user_id, update_id=update_id)
    now = clock.now()
    row = ProgressUpdate(
        task_id=old.task_id,
        agency_id=old.agency_id,
        author_id=user_id,
        status=value.value,
        percent=percent,
        note=note,
        created_at=now,
        effective_at=old.effective_at,
        corrects_id=old.id,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:  # a concurrent correction of the same row won
        raise AccessDenied("already_corrected") from None
    await audit.record(
        session,
        clock,
        actor_id=user_id,
        action="progress.correct",
        object_type="task",
        object_id=old.task_id,
        agency_id=old.agency_id,
        update_id=row.id,
        corrects_id=old.id,
        status=value.value,
        percent=percent,
    )
    return row


async def last_correctable(
    session: AsyncSession, clock: Clock, user_id: int
) -> ProgressUpdate | None:
    """The user's most recent update that they may still correct, if any."""
    since = clock.now() - CORRECTION_WINDOW
    rows = await session.scalars(
        select(ProgressUpdate)
        .where(ProgressUpdate.author_id == user_id, ProgressUpdate.created_at >= since)
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        .limit(20)
    )
    for row in rows.all():
        if not await is_superseded(session, row.id) and await _within_window(session, clock, row):
            return row
    return None


__all__ = [
    "CORRECTION_WINDOW",
    "NOTE_MAX_CHARS",
    "PROGRESS",
    "ProgressService",
    "SavedUpdate",
    "agency_tasks",
    "correct_update",
    "correctable",
    "last_correctable",
    "post_one_line",
    "record_update",
    "responsible",
    "writable_tasks",
]


@dataclass(frozen=True)
class OneLineOutcome:
    """What ``post_one_line`` did. ``kind``: saved | suggest | invalid | no_agency."""

    kind: str
    update: ProgressUpdate | None = None
    task: Candidate | None = None
    suggestions: tuple[Candidate, ...] = ()
    reason: str = ""
    info: dict[str, int] | None = None
    typed: str = ""


async def post_one_line(
    session: AsyncSession, clock: Clock, *, user_id: int, text: str
) -> OneLineOutcome:
    """Parse ``II.2 60% note``, find the task among the user's, and record it.

    Any problem comes back as an outcome (nothing written): a parse error with its
    reason, or suggestions when the task reference is not exact.
    """
    try:
        parsed = parse_one_line(text)
    except ParseError as exc:
        return OneLineOutcome("invalid", reason=exc.reason, info=exc.info)
    candidates = await writable_tasks(session, user_id)
    if not candidates:
        return OneLineOutcome("no_agency")
    found = resolve(parsed.ref, candidates)
    task = found.unique
    if task is None:
        options = tuple(found.matches or found.suggestions)
        return OneLineOutcome("suggest", suggestions=options, typed=parsed.ref)
    row = await record_update(
        session,
        clock,
        user_id=user_id,
        agency_id=task.agency_id,
        task_id=task.task_id,
        status=parsed.status.value,
        percent=parsed.percent,
        note=parsed.note,
    )
    return OneLineOutcome("saved", update=row, task=task)


# -- the feature's service: what the handlers call inside the core's unit of work ----------


@dataclass(frozen=True)
class ReminderEntry:
    """Where an officer lands from a reminder's "Update progress" button."""

    agency_id: str
    task_id: str
    code: str


class ProgressService:
    """Progress for the chat: who may post on what, the writes, where tasks stand.

    Every method runs inside the unit of work the handler opened with
    :func:`bot.session.unit` (a write unit for the writes: the acting user's row is
    ensured there) and acts for ``work.actor_id``.
    """

    # -- who may post on what

    async def agencies_of(self, work: Work) -> list[str]:
        return await member_agencies(work.session, _actor(work))

    async def tasks_of(self, work: Work, agency_id: str) -> list[Candidate]:
        return await agency_tasks(work.session, agency_id)

    async def may_view(self, work: Work) -> bool:
        """Officers of an agency and coordinators see progress (admins are checked by the
        caller, from the settings)."""
        user_id = _actor(work)
        return bool(await member_agencies(work.session, user_id)) or await is_coordinator(
            work.session, user_id
        )

    async def open_correction(self, work: Work, update_id: int) -> ProgressUpdate:
        """The update to correct, checked now (the same checks as the write itself)."""
        return await correctable(
            work.session, work.clock, user_id=_actor(work), update_id=update_id
        )

    async def reminder_entry(self, work: Work, task_id: str) -> ReminderEntry:
        """The user's first agency responsible for ``task_id``; AccessDenied if none."""
        s = work.session
        mine = await member_agencies(s, _actor(work))
        agencies = [a for a in mine if await responsible(s, task_id, a)]
        task = await s.get(Task, task_id)
        if not agencies or task is None:
            raise AccessDenied("not_responsible" if mine else "not_member")
        return ReminderEntry(agencies[0], task_id, short_code(task.ref))

    # -- writes (in a write unit)

    async def record(
        self, work: Work, *, agency_id: str, task_id: str, **values: Any
    ) -> ProgressUpdate:
        """A new update (``status``, ``percent``, ``note``: see :func:`record_update`)."""
        return await record_update(
            work.session,
            work.clock,
            user_id=_actor(work),
            agency_id=agency_id,
            task_id=task_id,
            **values,
        )

    async def correct(self, work: Work, *, update_id: int, **values: Any) -> ProgressUpdate:
        """A correction of ``update_id`` (same values as :meth:`record`)."""
        return await correct_update(
            work.session, work.clock, user_id=_actor(work), update_id=update_id, **values
        )

    async def post_one_line(self, work: Work, text: str) -> OneLineOutcome:
        return await post_one_line(work.session, work.clock, user_id=_actor(work), text=text)

    # -- where tasks stand (/tiendo)

    async def task_progress(
        self, work: Work, task_id: str, today: dt.date, *, admin: bool = False
    ) -> list[AgencyProgress]:
        """Every responsible agency's status; who wrote it and the note only where the
        viewer may see them (:meth:`_shown`)."""
        rows = await task_progress(work.session, task_id, today)
        return await self._shown(work, rows, admin)

    async def agency_progress(
        self, work: Work, agency_id: str, today: dt.date, *, admin: bool = False
    ) -> list[AgencyProgress]:
        rows = await agency_progress(work.session, agency_id, today)
        return await self._shown(work, rows, admin)

    async def _shown(
        self, work: Work, rows: list[AgencyProgress], admin: bool
    ) -> list[AgencyProgress]:
        """Rows of the viewer's own agencies and of a coordinator's scope as they are
        (admins: all); of other agencies, the status without its author and note, as a
        public answer shows it."""
        if admin or not rows:
            return rows
        user_id = _actor(work)
        mine = set(await member_agencies(work.session, user_id))
        scopes = await coordinator_scopes(work.session, user_id)
        out = []
        for row in rows:
            seen = row.agency_id in mine
            if not seen and scopes:
                agency = await work.session.get(Agency, row.agency_id)
                seen = agency is not None and any(s.covers(agency) for s in scopes)
            out.append(row if seen else replace(row, author_name=None, note=""))
        return out

    async def my_progress(
        self, work: Work, today: dt.date
    ) -> list[tuple[str, list[AgencyProgress]]]:
        """Each of the user's agencies with its tasks' progress (empty: not an officer)."""
        return [
            (agency_id, await agency_progress(work.session, agency_id, today))
            for agency_id in await member_agencies(work.session, _actor(work))  # their own
        ]


def _actor(work: Work) -> int:
    if work.actor_id is None:
        raise AccessDenied("no_user")
    return work.actor_id


#: the feature's one service object (it holds no state)
PROGRESS = ProgressService()
