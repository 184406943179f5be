"""Idempotent sync of agencies and tasks from the knowledge base into the database.

The knowledge base is the source of truth for agencies, tasks and who is
responsible for what. ``sync_knowledge`` makes the database match it:

- new agencies/tasks are inserted, changed ones updated in place (same stable id,
  so progress updates, memberships and history stay attached);
- an agency or task that disappeared from the data is archived, never deleted;
  one that comes back is un-archived;
- the responsibility rows (task_agencies) of live tasks are set to the KB's
  lead/coordinate lists; those of archived tasks are left as they were (history).

Running it twice in a row changes nothing the second time (``SyncReport.changed``
is False). The run is one write transaction (on PostgreSQL also under an advisory
lock, so replicas starting together do not race) and is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SYSTEM_CLOCK, Clock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import Agency, AuditLog, Task, TaskAgency, TaskRole

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase

# pg_advisory_xact_lock key for the sync ("kl44" + 1).
_PG_SYNC_LOCK_KEY = 0x6B6C3435


@dataclass
class SyncReport:
    agencies_added: list[str] = field(default_factory=list)
    agencies_updated: list[str] = field(default_factory=list)
    agencies_archived: list[str] = field(default_factory=list)
    tasks_added: list[str] = field(default_factory=list)
    tasks_updated: list[str] = field(default_factory=list)
    tasks_archived: list[str] = field(default_factory=list)
    links_added: int = 0
    links_removed: int = 0
    links_changed: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.agencies_added,
                self.agencies_updated,
                self.agencies_archived,
                self.tasks_added,
                self.tasks_updated,
                self.tasks_archived,
                self.links_added,
                self.links_removed,
                self.links_changed,
            )
        )

    def summary(self) -> dict[str, int]:
        return {
            "agencies_added": len(self.agencies_added),
            "agencies_updated": len(self.agencies_updated),
            "agencies_archived": len(self.agencies_archived),
            "tasks_added": len(self.tasks_added),
            "tasks_updated": len(self.tasks_updated),
            "tasks_archived": len(self.tasks_archived),
            "links_added": self.links_added,
            "links_removed": self.links_removed,
            "links_changed": self.links_changed,
        }


def _agency_values(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    return {
        a.id: {
            "name": a.name,
            "level": str(a.level),
            "place": a.place,
            "generic": bool(a.generic),
            "archived": False,
        }
        for a in kb.agencies.values()
    }


def _task_values(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for position, task in enumerate(kb.tasks.values()):
        deadline = kb.deadlines.get(task.id)
        due: dt.date | None = None
        kind = "none"
        if deadline is not None:
            kind = deadline.kind
            due = deadline.due if deadline.kind == "date" else deadline.end
        out[task.id] = {
            "document": task.document,
            "ref": task.ref,
            "title": task.title,
            "deadline_text": task.deadline or "",
            "deadline_kind": kind,
            "due_date": due,
            "position": position,
            "archived": False,
        }
    return out


def _task_links(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    links: dict[tuple[str, str], str] = {}
    for task in kb.tasks.values():
        for agency in task.coordinate:
            links[(task.id, agency)] = TaskRole.coordinate.value
        for agency in task.owners:  # the owner's printed role wins over a partner listing
            links[(task.id, agency)] = TaskRole(task.role).value
    return links


def _apply(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


#: the knowledge base's records mirrored in the database
Synced = TypeVar("Synced", Agency, Task)


async def _sync_rows(
    session: AsyncSession,
    model: type[Synced],
    wanted: dict[str, dict[str, Any]],
    now: dt.datetime,
) -> tuple[list[str], list[str], list[str]]:
    """Bring the rows of ``model`` to ``wanted`` (id → column values): add the new,
    update the changed, archive (never delete) the ones no longer wanted. Returns the
    ids added, updated and archived."""
    added: list[str] = []
    updated: list[str] = []
    archived: list[str] = []
    existing = {row.id: row for row in (await session.scalars(select(model))).all()}
    for row_id, values in wanted.items():
        row = existing.get(row_id)
        if row is None:
            session.add(model(id=row_id, synced_at=now, **values))
            added.append(row_id)
        elif _apply(row, values):
            row.synced_at = now
            updated.append(row_id)
    for row_id, row in existing.items():
        if row_id not in wanted and not row.archived:
            row.archived = True
            row.synced_at = now
            archived.append(row_id)
    await session.flush()
    return added, updated, archived


async def sync_knowledge_in(
    session: AsyncSession,
    kb: KnowledgeBase,
    *,
    clock: Clock = SYSTEM_CLOCK,
    actor_id: int | None = None,
) -> SyncReport:
    """Sync inside the caller's write transaction (see ``sync_knowledge``)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SYNC_LOCK_KEY}
        )
    now = clock.now()
    report = SyncReport()

    (
        report.agencies_added,
        report.agencies_updated,
        report.agencies_archived,
    ) = await _sync_rows(session, Agency, _agency_values(kb), now)
    wanted_tasks = _task_values(kb)
    report.tasks_added, report.tasks_updated, report.tasks_archived = await _sync_rows(
        session, Task, wanted_tasks, now
    )

    wanted_links = _task_links(kb)
    live_tasks = set(wanted_tasks)
    existing_links = {
        (link.task_id, link.agency_id): link
        for link in (await session.scalars(select(TaskAgency))).all()
    }
    for key, role in wanted_links.items():
        link = existing_links.get(key)
        if link is None:
            session.add(TaskAgency(task_id=key[0], agency_id=key[1], role=role))
            report.links_added += 1
        elif link.role != role:
            link.role = role
            report.links_changed += 1
    for key, link in existing_links.items():
        if key[0] in live_tasks and key not in wanted_links:
            await session.delete(link)
            report.links_removed += 1

    if report.changed:
        session.add(
            AuditLog(
                actor_id=actor_id,
                action="kb.sync",
                object_type="knowledge",
                object_id="kb",
                details=report.summary(),
                at=now,
            )
        )
    await session.flush()
    return report


async def sync_knowledge(
    session_factory: SessionFactory,
    kb: KnowledgeBase,
    *,
    clock: Clock = SYSTEM_CLOCK,
    actor_id: int | None = None,
) -> SyncReport:
    """Make agencies, tasks and task_agencies match ``kb``, in one write transaction."""
    async with write_session(session_factory) as session:
        return await sync_knowledge_in(session, kb, clock=clock, actor_id=actor_id)
