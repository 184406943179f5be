"""What officers and coordinators do to reminders: away/back, buttons, set a deadline.

Plain functions on the database; every write checks the permission inside its own
transaction (button data can be forged, so a press is honoured only for a reminder
that was really sent to the person pressing).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionFactory, read_session, write_session
from bot.db.models import Agency, AuditLog, Task, TaskAgency, User
from bot.db.models_scheduler import Absence, DeadlineOverride, OutboxMessage, Reminder
from bot.progress import queries
from bot.progress.refs import matches_code, short_code
from scheduler.outbox import Outgoing, enqueue, insert_ignore
from scheduler.rules import RuleConfig
from scheduler.texts import reminder_text
from scheduler.workdays import WorkCalendar

MAX_AWAY_DAYS = 366

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


_LEAD = re.compile(r"^(?:den het|den|toi|cho den|until|till|to)\s+(?:ngay\s+)?")
_SPELLED = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?$")
_SPAN = re.compile(r"^(\d{1,3})\s*(ngay|tuan|thang|days?|weeks?|months?)$")
_SPAN_DAYS = {"ngay": 1, "day": 1, "days": 1, "tuan": 7, "week": 7, "weeks": 7}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold()).replace("đ", "d")
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def parse_date(text: str, today: dt.date) -> dt.date | None:
    """``31/12/2027``, ``31-12-27``, ``2027-12-31``, ``31/12`` (the next such day), and as
    people write them: ``ngày 15 tháng 12``, ``đến 15/12``, ``2 tuần``, ``3 ngày``."""
    text = _LEAD.sub("", _fold(text))
    if m := _SPAN.match(text):
        count, unit = int(m[1]), m[2]
        if unit in ("thang", "month", "months"):
            return _add_months(today, count)
        return today + dt.timedelta(days=count * _SPAN_DAYS[unit])
    if m := _SPELLED.match(text):
        text = f"{m[1]}/{m[2]}" + (f"/{m[3]}" if m[3] else "")
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            day, month = int(m[1]), int(m[2])
            if m[3] is None:
                candidate = dt.date(today.year, month, day)
                return candidate if candidate >= today else dt.date(today.year + 1, month, day)
            year = int(m[3])
            return dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    return None


_RELATIVE_DAYS = {"mai": 1, "ngay mai": 1, "tomorrow": 1, "ngay kia": 2, "mot": 2}
_WEEK_END = {"het tuan", "cuoi tuan", "het tuan nay", "cuoi tuan nay", "end of week", "weekend"}


def parse_away(text: str, today: dt.date) -> dt.date | None:
    """The last day of an absence: any :func:`parse_date` form, or a word people use
    (``mai``, ``ngày kia``, ``hết tuần``, ``tomorrow``)."""
    folded = _fold(text)
    for form in (folded, _LEAD.sub("", folded), re.sub(r"^(?:den|toi|until)\s+", "", folded)):
        if form in _RELATIVE_DAYS:
            return today + dt.timedelta(days=_RELATIVE_DAYS[form])
        if form in _WEEK_END:
            return today + dt.timedelta(days=6 - today.weekday())
    return parse_date(text, today)


def _add_months(day: dt.date, months: int) -> dt.date | None:
    month = day.month - 1 + months
    year = day.year + month // 12
    if year > dt.MAXYEAR:
        return None
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    return None


# -- away ---------------------------------------------------------------------------------


async def set_away(sf: SessionFactory, user_id: int, until: dt.date, now: dt.datetime) -> bool:
    """Mark an officer (or a coordinator) away until ``until`` (inclusive).

    False if they are neither: nobody else gets reminders or digests to pause.
    """
    async with write_session(sf) as s:
        if not await queries.user_agencies(s, user_id) and not await queries.coordinators(
            s, user_id
        ):
            return False
        await s.execute(
            insert_ignore(s, Absence).values(user_id=user_id, away_until=until, set_at=now)
        )
        await s.execute(
            update(Absence).where(Absence.user_id == user_id).values(away_until=until, set_at=now)
        )
        return True


async def clear_away(sf: SessionFactory, user_id: int) -> bool:
    """End an absence early; False if none was set."""
    async with write_session(sf) as s:
        removed = await s.scalars(
            delete(Absence).where(Absence.user_id == user_id).returning(Absence.user_id)
        )
        return bool(removed.all())


async def away_until(sf: SessionFactory, user_id: int, today: dt.date) -> dt.date | None:
    async with read_session(sf) as s:
        row = await s.get(Absence, user_id)
        return row.away_until if row is not None and row.away_until >= today else None


# -- reminder buttons ------------------------------------------------------------------


@dataclass
class Press:
    ok: bool
    task_id: str | None = None
    until: dt.datetime | None = None


def snooze_until(now: dt.datetime, cal: WorkCalendar, cfg: RuleConfig) -> dt.datetime:
    """``snooze_hours`` later, moved onto a working day and out of the quiet hours."""
    later = (now + dt.timedelta(hours=cfg.snooze_hours)).astimezone(cal.tz)
    if not cal.is_working_day(later.date()):
        later = cal.send_time_after(later.date(), cfg.send_time)
    later = cal.next_send_window(later)
    if not cal.is_working_day(later.date()):
        later = cal.send_time_after(later.date(), cfg.send_time)
    return later


async def _own_message(s: AsyncSession, reminder_id: int, user_id: int) -> OutboxMessage | None:
    return await s.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.reminder_id == reminder_id, OutboxMessage.chat_id == user_id)
        .order_by(OutboxMessage.id)
        .limit(1)
    )


async def acknowledge(
    sf: SessionFactory, reminder_id: int, user_id: int, now: dt.datetime
) -> Press:
    async with write_session(sf) as s:
        message = await _own_message(s, reminder_id, user_id)
        if message is None:
            return Press(ok=False)
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.reminder_id == reminder_id, OutboxMessage.chat_id == user_id)
            .values(acked_at=now)
        )
        task_id = (await s.get(Reminder, reminder_id)).task_id  # type: ignore[union-attr]
        return Press(ok=True, task_id=task_id)


async def snooze(
    sf: SessionFactory,
    reminder_id: int,
    user_id: int,
    now: dt.datetime,
    cal: WorkCalendar,
    cfg: RuleConfig,
    doc_labels: Mapping[str, str] | None = None,
) -> Press:
    """Queue the same reminder again for this person a day later (once per day pressed),
    its text written afresh for that day ("Còn 29 ngày", not "Còn 30 ngày")."""
    until = snooze_until(now, cal, cfg)
    async with write_session(sf) as s:
        message = await _own_message(s, reminder_id, user_id)
        if message is None:
            return Press(ok=False)
        text = await _render_again(s, reminder_id, user_id, until.date(), doc_labels or {})
        await enqueue(
            s,
            [
                Outgoing(
                    dedupe_key=f"snooze:{reminder_id}:{user_id}:{until.date().isoformat()}",
                    chat_id=user_id,
                    kind="reminder_snoozed",
                    text=text or message.text,
                    not_before=until,
                    reply_markup=message.reply_markup,
                    reminder_id=reminder_id,
                    user_id=user_id,
                )
            ],
            now,
        )
        await s.execute(
            update(OutboxMessage).where(OutboxMessage.id == message.id).values(snoozed_at=now)
        )
        task_id = (await s.get(Reminder, reminder_id)).task_id  # type: ignore[union-attr]
        return Press(ok=True, task_id=task_id, until=until)


async def _render_again(
    s: AsyncSession, reminder_id: int, user_id: int, day: dt.date, labels: Mapping[str, str]
) -> str | None:
    reminder = await s.get(Reminder, reminder_id)
    if reminder is None:
        return None
    task = await s.get(Task, reminder.task_id)
    agency = await s.get(Agency, reminder.agency_id)
    user = await s.get(User, user_id)
    if task is None or agency is None:
        return None
    role = (
        await s.execute(
            select(TaskAgency.role).where(
                TaskAgency.task_id == task.id, TaskAgency.agency_id == agency.id
            )
        )
    ).scalar_one_or_none()
    override = await s.get(DeadlineOverride, (task.id, agency.id))
    recurrence, period_end = queries.parsed_deadline(task.deadline_kind, task.deadline_text)
    due = override.due_date if override else (task.due_date or period_end)
    info = queries.TaskInfo(
        task.id,
        task.document,
        task.ref,
        task.title,
        task.deadline_text,
        task.deadline_kind,
        due,
        recurrence,
        task.position,
    )
    return reminder_text(
        user.language if user else "vi",
        rule=reminder.rule,
        today=day,
        due_date=reminder.due_date,
        deadline=due,
        task=info,
        agency=queries.AgencyInfo(agency.id, agency.name, agency.level, agency.place),
        role=role or "coordinate",
        doc_label=labels.get(task.document, task.document),
    )


async def reminder_task(sf: SessionFactory, reminder_id: int, user_id: int) -> str | None:
    """The task of a reminder sent to ``user_id`` (None if it was not sent to them)."""
    async with read_session(sf) as s:
        if await _own_message(s, reminder_id, user_id) is None:
            return None
        reminder = await s.get(Reminder, reminder_id)
        return reminder.task_id if reminder else None


# -- /hanchot ---------------------------------------------------------------------------


@dataclass
class DeadlineChange:
    status: str  # "ok" | "not_coordinator" | "no_task" | "out_of_scope"
    task_id: str | None = None
    agencies: list[str] = field(default_factory=list)


async def find_task(sf: SessionFactory, token: str) -> list[tuple[str, str, str, str]]:
    """Tasks whose id or reference matches ``token``: (id, document, ref, title)."""
    token = token.strip()
    async with read_session(sf) as s:
        exact = await s.get(Task, token)
        if exact is not None and not exact.archived:
            return [(exact.id, exact.document, exact.ref, exact.title)]
        rows = await s.execute(
            select(Task.id, Task.document, Task.ref, Task.title)
            .where(Task.archived.is_(False))
            .order_by(Task.document, Task.position)
        )
        folded = token.casefold()
        rows_all = [tuple(r) for r in rows]
        exact_ref = [r for r in rows_all if r[2].casefold() == folded]
        if exact_ref:
            return exact_ref  # type: ignore[return-value]
        # the short code people type: "II.2", "ii2", "2.2" for "Phụ lục, mục II.2"
        return [r for r in rows_all if matches_code(token, short_code(r[2]))]  # type: ignore[misc]


async def set_deadline(
    sf: SessionFactory,
    user_id: int,
    task_id: str,
    due: dt.date | None,
    now: dt.datetime,
    *,
    is_admin: bool = False,
) -> DeadlineChange:
    """Set (or with ``due`` None, clear) a task's date for the agencies of the user's scope."""
    async with write_session(sf) as s:
        coordinators = await queries.coordinators(s, user_id)
        if not coordinators and not is_admin:
            return DeadlineChange("not_coordinator")
        task = await s.get(Task, task_id)
        if task is None or task.archived:
            return DeadlineChange("no_task")
        agencies = await queries.load_agencies(s)
        links = (
            await s.execute(select(TaskAgency.agency_id).where(TaskAgency.task_id == task_id))
        ).all()
        scope = [
            a
            for (a,) in links
            if a in agencies and (is_admin or any(c.covers(agencies[a]) for c in coordinators))
        ]
        if not scope:
            return DeadlineChange("out_of_scope", task_id)
        for agency_id in scope:
            await s.execute(
                delete(DeadlineOverride).where(
                    DeadlineOverride.task_id == task_id, DeadlineOverride.agency_id == agency_id
                )
            )
            if due is not None:
                s.add(
                    DeadlineOverride(
                        task_id=task_id,
                        agency_id=agency_id,
                        due_date=due,
                        set_by=user_id,
                        set_at=now,
                    )
                )
        s.add(
            AuditLog(
                actor_id=user_id,
                action="deadline.set" if due else "deadline.clear",
                object_type="task",
                object_id=task_id,
                details={"due": due.isoformat() if due else None, "agencies": scope},
                at=now,
            )
        )
        return DeadlineChange("ok", task_id, [agencies[a].name for a in scope])


class ReminderActions:
    """The actions above bound to the bot's database, calendar and rules: what the chat
    handlers call (one unit of work per call)."""

    def __init__(
        self,
        sf: SessionFactory,
        calendar: WorkCalendar,
        rules: RuleConfig,
        doc_labels: Mapping[str, str] | None = None,
    ) -> None:
        self.sf = sf
        self.calendar = calendar
        self.rules = rules
        self.doc_labels = doc_labels or {}

    async def set_away(self, user_id: int, until: dt.date, now: dt.datetime) -> bool:
        return await set_away(self.sf, user_id, until, now)

    async def clear_away(self, user_id: int) -> bool:
        return await clear_away(self.sf, user_id)

    async def acknowledge(self, reminder_id: int, user_id: int, now: dt.datetime) -> Press:
        return await acknowledge(self.sf, reminder_id, user_id, now)

    async def snooze(self, reminder_id: int, user_id: int, now: dt.datetime) -> Press:
        return await snooze(
            self.sf, reminder_id, user_id, now, self.calendar, self.rules, self.doc_labels
        )

    async def reminder_task(self, reminder_id: int, user_id: int) -> str | None:
        return await reminder_task(self.sf, reminder_id, user_id)

    async def find_task(self, token: str) -> list[tuple[str, str, str, str]]:
        return await find_task(self.sf, token)

    async def set_deadline(
        self, user_id: int, task_id: str, due: dt.date | None, now: dt.datetime, **kw: bool
    ) -> DeadlineChange:
        """See :func:`set_deadline` (``is_admin``: the user is an admin)."""
        return await set_deadline(self.sf, user_id, task_id, due, now, **kw)
