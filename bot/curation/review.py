"""What curators do with unanswered questions: list them grouped, link a group to a
task as a new phrasing, or dismiss it. Every write re-checks its inputs here."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curation.grouping import Group, Item, group_items
from bot.curation.questions import normalize_question
from bot.db.models import AuditLog
from bot.db.models_curation import Phrasing, QuestionStatus, UnansweredQuestion

WINDOW_DAYS = 30
MAX_PHRASINGS_PER_LINK = 5


async def open_items(
    session: AsyncSession, since: dt.datetime, until: dt.datetime | None = None
) -> list[Item]:
    stmt = select(
        UnansweredQuestion.id,
        UnansweredQuestion.text,
        UnansweredQuestion.normalized,
        UnansweredQuestion.kind,
        UnansweredQuestion.candidates,
        UnansweredQuestion.pseudonym,
    ).where(
        UnansweredQuestion.status == QuestionStatus.open.value,
        UnansweredQuestion.asked_at >= since,
    )
    if until is not None:
        stmt = stmt.where(UnansweredQuestion.asked_at < until)
    rows = (await session.execute(stmt.order_by(UnansweredQuestion.id))).all()
    return [
        Item(
            r.id,
            r.text,
            r.normalized,
            r.kind,
            tuple(
                (str(c["task"]), float(c.get("score", 0.0)))
                for c in (r.candidates or [])
                if isinstance(c, dict) and c.get("task")
            ),
            r.pseudonym,
        )
        for r in rows
    ]


async def unanswered_groups(
    session: AsyncSession,
    now: dt.datetime,
    days: int = WINDOW_DAYS,
    limit: int | None = None,
) -> list[Group]:
    """Open unanswered questions of the last ``days`` days, grouped, most asked first.

    Grouping is CPU work (fuzzy matching, up to quadratic in distinct phrasings): it runs
    in a worker thread so other users' answers do not wait for a curator's list."""
    items = await open_items(session, now - dt.timedelta(days=days))
    groups = await asyncio.to_thread(group_items, items)
    return groups if limit is None else groups[:limit]


async def find_group(
    session: AsyncSession, now: dt.datetime, question_id: int, days: int = WINDOW_DAYS
) -> Group | None:
    """The current group holding question ``question_id``, if it is still open."""
    for group in await unanswered_groups(session, now, days):
        if question_id in group.ids:
            return group
    return None


class Outcome(StrEnum):
    done = "done"
    gone = "gone"  # the question was already handled (or never existed)
    not_a_candidate = "not_a_candidate"  # the task is not one the engine proposed


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    group: Group | None = None
    task_id: str | None = None
    phrasings_added: int = 0


def _audit(
    actor: int, action: str, object_id: str, now: dt.datetime, **details: object
) -> AuditLog:
    return AuditLog(
        actor_id=actor,
        action=action,
        object_type="question",
        object_id=object_id,
        details=details,
        at=now,
    )


async def _resolve(
    session: AsyncSession,
    group: Group,
    status: QuestionStatus,
    task_id: str | None,
    actor: int,
    now: dt.datetime,
) -> int:
    result = await session.execute(
        update(UnansweredQuestion)
        .where(
            UnansweredQuestion.id.in_(group.ids),
            UnansweredQuestion.status == QuestionStatus.open.value,
        )
        .values(status=status.value, resolved_task=task_id, resolved_at=now, resolved_by=actor)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # DML: a CursorResult


async def link_group(
    session: AsyncSession,
    *,
    question_id: int,
    task_id: str,
    allowed_tasks: set[str],
    actor: int,
    now: dt.datetime,
) -> Result:
    """Link the group of ``question_id`` to ``task_id``: its phrasings become the task's.

    ``allowed_tasks``: the candidates the engine proposes for this group right now
    (computed by the caller from the running engine); anything else is refused, so a
    forged button cannot attach a phrasing to an arbitrary task.
    """
    group = await find_group(session, now, question_id)
    if group is None:
        return Result(Outcome.gone)
    if task_id not in allowed_tasks:
        return Result(Outcome.not_a_candidate, group, task_id)
    # Resolve first: of two curators pressing at once, the second finds nothing open.
    resolved = await _resolve(session, group, QuestionStatus.linked, task_id, actor, now)
    if resolved == 0:
        return Result(Outcome.gone)
    existing = set(
        await session.scalars(select(Phrasing.normalized).where(Phrasing.task_id == task_id))
    )
    added = 0
    for text in group.variants[:MAX_PHRASINGS_PER_LINK]:
        normalized = normalize_question(text)
        if not normalized or normalized in existing:
            continue
        existing.add(normalized)
        session.add(
            Phrasing(
                task_id=task_id,
                text=text,
                normalized=normalized,
                created_at=now,
                created_by=actor,
            )
        )
        added += 1
    session.add(
        _audit(actor, "question.link", str(group.leader_id), now, task=task_id, rows=resolved)
    )
    await session.flush()
    return Result(Outcome.done, group, task_id, added)


async def dismiss_group(
    session: AsyncSession, *, question_id: int, actor: int, now: dt.datetime
) -> Result:
    """Dismiss the group of ``question_id``: out of scope, noise, or nothing to add."""
    group = await find_group(session, now, question_id)
    if group is None:
        return Result(Outcome.gone)
    resolved = await _resolve(session, group, QuestionStatus.dismissed, None, actor, now)
    if resolved == 0:
        return Result(Outcome.gone)
    session.add(_audit(actor, "question.dismiss", str(group.leader_id), now, rows=resolved))
    await session.flush()
    return Result(Outcome.done, group)


async def load_phrasings(
    session: AsyncSession, task_ids: set[str] | None = None
) -> dict[str, list[str]]:
    """Curator-approved phrasings per task, for ``Engine(extra_phrasings=…)``.

    Phrasings of tasks the knowledge base no longer has are left out (and kept).
    """
    rows = (
        await session.execute(
            select(Phrasing.task_id, Phrasing.text).order_by(Phrasing.task_id, Phrasing.id)
        )
    ).all()
    out: dict[str, list[str]] = {}
    for task_id, text in rows:
        if task_ids is None or task_id in task_ids:
            out.setdefault(task_id, []).append(text)
    return out


async def phrasings_mark(session: AsyncSession) -> tuple[int, int]:
    """(count, highest id) of the stored phrasings: changes whenever one is added or
    removed, so a replica can tell that its engine is out of date."""
    row = (await session.execute(select(func.count(), func.max(Phrasing.id)))).one()
    return int(row[0] or 0), int(row[1] or 0)
