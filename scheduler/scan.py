"""The reminder scan: "what is due now that has not been sent?" — claim it, queue it.

Each due reminder is claimed by inserting its row into ``reminders`` under the unique
key (task, agency, rule, due date) and, in the same transaction, its messages are put
in the outbox. A second scanner (another replica, or this one after a restart) finds
the key taken and queues nothing: each reminder is sent exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import SessionFactory, read_session, write_session
from bot.db.models_scheduler import ChatState, Reminder
from bot.progress import queries
from bot.progress.queries import Snapshot, assignments, read_snapshot
from scheduler.outbox import Outgoing, enqueue, insert_ignore
from scheduler.rules import RULE_OVERDUE, DueReminder, RuleConfig, due_reminder, latest_due
from scheduler.texts import reminder_buttons, reminder_text
from scheduler.workdays import WorkCalendar, default_calendar

log = logging.getLogger(__name__)


@dataclass
class ScanResult:
    due: int = 0  # reminders due now (claimed before or now)
    claimed: int = 0  # newly claimed by this scan
    queued: int = 0  # messages put in the outbox
    keys: list[tuple[str, str, str, dt.date]] = field(default_factory=list)


async def inactive_chat_ids(session: AsyncSession) -> set[int]:
    rows = await session.execute(select(ChatState.chat_id).where(ChatState.inactive.is_(True)))
    return {r[0] for r in rows}


class ReminderScanner:
    def __init__(
        self,
        session_factory: SessionFactory,
        clock: Clock,
        *,
        calendar: WorkCalendar | None = None,
        rules: RuleConfig | None = None,
        doc_labels: Mapping[str, str] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.calendar = calendar or default_calendar()
        self.rules = rules or RuleConfig()
        self.doc_labels = dict(doc_labels or {})

    def due_now(self, snap: Snapshot, now: dt.datetime) -> list[DueReminder]:
        out = []
        for a in assignments(snap):
            r = due_reminder(a, now, self.rules, self.calendar)
            if r is not None:
                out.append(r)
        return out

    async def scan(self) -> ScanResult:
        now = self.clock.now()
        snap = await read_snapshot(self.session_factory)
        due = self.due_now(snap, now)
        result = ScanResult(due=len(due))
        if not due:
            return result
        taken = await self._taken({r.due_date for r in due})
        fresh = [r for r in due if r.key not in taken]
        if not fresh:
            return result
        today = now.astimezone(self.calendar.tz).date()
        async with read_session(self.session_factory) as s:
            members = await queries.agency_members(s, {r.agency_id for r in fresh})
            away = await queries.away_user_ids(s, today)
            inactive = await inactive_chat_ids(s)
            coordinators = (
                await queries.coordinators(s) if any(r.rule == RULE_OVERDUE for r in fresh) else []
            )
        for r in fresh:
            queued = await self._claim(r, snap, now, today, members, away | inactive, coordinators)
            if queued is not None:
                result.claimed += 1
                result.queued += queued
                result.keys.append(r.key)
        if result.claimed:
            log.info("reminder scan: %d claimed, %d messages queued", result.claimed, result.queued)
        return result

    async def catch_up(self, user_id: int, agency_id: str) -> int:
        """Queue for a new member of ``agency_id`` the reminders its tasks still have due
        that were claimed before they joined (perhaps for nobody); the number queued.
        Reminders not claimed yet reach them with the next scan. Each goes to the outbox
        under the key the scan would have used, so it is never sent twice."""
        now = self.clock.now()
        snap = await read_snapshot(self.session_factory)
        due = [
            r
            for a in assignments(snap)
            if a.agency_id == agency_id
            and (r := latest_due(a, now, self.rules, self.calendar)) is not None
        ]
        if not due:
            return 0
        today = now.astimezone(self.calendar.tz).date()
        async with write_session(self.session_factory) as s:
            members = await queries.agency_members(s, {agency_id})
            person = next((p for p in members.get(agency_id, []) if p.user_id == user_id), None)
            if person is None or user_id in await queries.away_user_ids(s, today):
                return 0
            if user_id in await inactive_chat_ids(s):
                return 0
            claimed = {
                (t, a, rule, d): rid
                for rid, t, a, rule, d in await s.execute(
                    select(
                        Reminder.id,
                        Reminder.task_id,
                        Reminder.agency_id,
                        Reminder.rule,
                        Reminder.due_date,
                    ).where(
                        Reminder.agency_id == agency_id,
                        Reminder.due_date.in_(sorted({r.due_date for r in due})),
                    )
                )
            }
            outgoing = [
                self._member_message(r, snap, now, today, claimed[r.key], person)
                for r in due
                if r.key in claimed
            ]
            queued = await enqueue(s, outgoing, now)
        if queued:
            log.info("reminder catch-up: %d queued for a new member", queued)
        return queued

    def _text(
        self,
        r: DueReminder,
        snap: Snapshot,
        today: dt.date,
        lang: str,
        for_coordinator: bool = False,
    ) -> str:
        task = snap.tasks[r.task_id]
        return reminder_text(
            lang,
            rule=r.rule,
            today=today,
            due_date=r.due_date,
            deadline=r.deadline,
            task=task,
            agency=snap.agencies[r.agency_id],
            role=r.role,
            doc_label=self.doc_labels.get(task.document, task.document),
            for_coordinator=for_coordinator,
        )

    def _member_message(
        self,
        r: DueReminder,
        snap: Snapshot,
        now: dt.datetime,
        today: dt.date,
        reminder_id: int,
        person: queries.Person,
    ) -> Outgoing:
        return Outgoing(
            dedupe_key=f"rem:{reminder_id}:{person.user_id}",
            chat_id=person.user_id,
            kind="reminder",
            text=self._text(r, snap, today, person.lang),
            not_before=now,
            reply_markup=reminder_buttons(person.lang, reminder_id),
            reminder_id=reminder_id,
            user_id=person.user_id,
        )

    async def _taken(self, dates: set[dt.date]) -> set[tuple[str, str, str, dt.date]]:
        async with read_session(self.session_factory) as s:
            rows = await s.execute(
                select(
                    Reminder.task_id, Reminder.agency_id, Reminder.rule, Reminder.due_date
                ).where(Reminder.due_date.in_(sorted(dates)))
            )
            return {(a, b, c, d) for a, b, c, d in rows}

    async def _claim(
        self,
        r: DueReminder,
        snap: Snapshot,
        now: dt.datetime,
        today: dt.date,
        members: dict[str, list[queries.Person]],
        skip: set[int],
        coordinators: list[queries.Coordinator],
    ) -> int | None:
        """Claim ``r`` and queue its messages in one transaction; None if already claimed."""
        task = snap.tasks[r.task_id]
        agency = snap.agencies[r.agency_id]
        doc_label = self.doc_labels.get(task.document, task.document)
        async with write_session(self.session_factory) as s:
            stmt = insert_ignore(s, Reminder).values(
                task_id=r.task_id,
                agency_id=r.agency_id,
                rule=r.rule,
                due_date=r.due_date,
                created_at=now,
                recipients=0,
            )
            row = (await s.execute(stmt.returning(Reminder.id))).first()
            if row is None:
                return None  # another scanner (or an earlier run) has it
            reminder_id = int(row[0])
            outgoing: list[Outgoing] = []

            def text(lang: str, for_coordinator: bool = False) -> str:
                return reminder_text(
                    lang,
                    rule=r.rule,
                    today=today,
                    due_date=r.due_date,
                    deadline=r.deadline,
                    task=task,
                    agency=agency,
                    role=r.role,
                    doc_label=doc_label,
                    for_coordinator=for_coordinator,
                )

            for person in members.get(r.agency_id, []):
                if person.user_id in skip:
                    continue
                outgoing.append(
                    Outgoing(
                        dedupe_key=f"rem:{reminder_id}:{person.user_id}",
                        chat_id=person.user_id,
                        kind="reminder",
                        text=text(person.lang),
                        not_before=now,
                        reply_markup=reminder_buttons(person.lang, reminder_id),
                        reminder_id=reminder_id,
                        user_id=person.user_id,
                    )
                )
            if r.rule == RULE_OVERDUE:
                for c in coordinators:
                    if c.user_id in skip or not c.covers(agency):
                        continue
                    outgoing.append(
                        Outgoing(
                            # one notice per coordinator, task and week, whatever the agency
                            dedupe_key=f"remc:{r.task_id}:{r.due_date.isoformat()}:{c.user_id}",
                            chat_id=c.user_id,
                            kind="reminder_coordinator",
                            text=text(c.lang, for_coordinator=True),
                            not_before=now,
                            reminder_id=reminder_id,
                            user_id=c.user_id,
                        )
                    )
            queued = await enqueue(s, outgoing, now)
            await s.execute(
                update(Reminder).where(Reminder.id == reminder_id).values(recipients=queued)
            )
            return queued
