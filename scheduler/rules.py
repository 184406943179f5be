"""Reminder rules: which reminder an (agency, task) pair is due right now, if any.

Plain data in, plain data out; no database, no Telegram. The scan
(``scheduler.scan``) feeds it assignments and records what it returns under the
unique key (task, agency, rule, due date).

Defaults (all configurable through ``RuleConfig``):

- dated tasks: 30, 7 and 1 calendar days before the deadline at 08:00, to lead and
  coordinating agencies; a reminder that falls on a day off moves to the working day
  before; none once the agency reported the task done;
- after the deadline: an overdue reminder the day after and then weekly until done
  (lead agencies, and the scope's coordinators); moved to the next working day when
  it falls on a day off (moving it earlier could land before the deadline);
- "Hàng năm" (yearly): a report reminder on a configurable date (default 1 December);
- "Thường xuyên" (ongoing): a quarterly check-in (default 15 March/June/September/
  December) asking for a progress update; skipped when the agency reported recently;
- conditional deadlines, periods without an end and "none": nobody, until a
  coordinator sets a date (``/hanchot``), after which the task counts as dated.

Catch-up: only the most recent due occurrence of an assignment is returned, and only
while it is still relevant (before rules up to the deadline day, recurring rules for
``recurring_grace_days``); so after downtime each reminder is sent at most once and
stale ones are not sent at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.progress.queries import Assignment
from scheduler.workdays import WorkCalendar

RULE_OVERDUE = "overdue"
RULE_YEARLY = "yearly"
RULE_CHECKIN = "checkin"


def before_rule(days: int) -> str:
    return f"before_{days}"


@dataclass(frozen=True)
class RuleConfig:
    before_days: tuple[int, ...] = (30, 7, 1)
    send_time: dt.time = dt.time(8, 0)
    overdue_every_days: int = 7
    yearly_report: tuple[int, int] = (12, 1)  # (month, day)
    ongoing_checkins: tuple[tuple[int, int], ...] = ((3, 15), (6, 15), (9, 15), (12, 15))
    recurring_grace_days: int = 14
    recent_update_days: int = 30
    snooze_hours: int = 24


@dataclass(frozen=True)
class DueReminder:
    task_id: str
    agency_id: str
    role: str
    rule: str
    due_date: dt.date  # the occurrence: part of the unique key
    send_at: dt.datetime
    deadline: dt.date | None  # the task's deadline, for the text (dated rules)

    @property
    def key(self) -> tuple[str, str, str, dt.date]:
        return (self.task_id, self.agency_id, self.rule, self.due_date)


def due_reminder(
    a: Assignment, now: dt.datetime, cfg: RuleConfig, cal: WorkCalendar
) -> DueReminder | None:
    """The reminder ``a`` should get at ``now`` (the latest relevant one), or None.

    Nothing is due on a day off or in the quiet hours: a reminder caught up after
    downtime waits for the next working day, if it is still relevant then.
    """
    if not cal.is_working_day(now.astimezone(cal.tz).date()) or cal.in_quiet_hours(now):
        return None
    return latest_due(a, now, cfg, cal)


def latest_due(
    a: Assignment, now: dt.datetime, cfg: RuleConfig, cal: WorkCalendar
) -> DueReminder | None:
    """The latest reminder ``a`` has had due by ``now``, whatever the day: what a member
    who joins now should still get (delivery keeps the quiet hours)."""
    if a.kind in ("date", "period") and a.due is not None:
        if a.done:
            return None
        return _dated(a, now, cfg, cal)
    if a.kind == "recurring":
        return _recurring(a, now, cfg, cal)
    return None


def _make(a: Assignment, rule: str, day: dt.date, at: dt.datetime) -> DueReminder:
    return DueReminder(a.task_id, a.agency_id, a.role, rule, day, at, a.due)


def _dated(
    a: Assignment, now: dt.datetime, cfg: RuleConfig, cal: WorkCalendar
) -> DueReminder | None:
    assert a.due is not None
    today = now.astimezone(cal.tz).date()
    deadline = a.due
    if today <= deadline:
        for days in sorted(cfg.before_days):  # the nearest rule first: the latest due
            send_at = cal.send_time_before(deadline - dt.timedelta(days=days), cfg.send_time)
            if send_at <= now:
                return DueReminder(
                    a.task_id, a.agency_id, a.role, before_rule(days), deadline, send_at, deadline
                )
        return None
    if a.role != "lead":
        return None
    first = deadline + dt.timedelta(days=1)
    k = (today - first).days // cfg.overdue_every_days
    while k >= 0:
        nominal = first + dt.timedelta(days=k * cfg.overdue_every_days)
        send_at = cal.send_time_after(nominal, cfg.send_time)
        if send_at <= now:
            return _make(a, RULE_OVERDUE, nominal, send_at)
        k -= 1
    return None


def _occurrences(a: Assignment, year: int, cfg: RuleConfig) -> list[tuple[str, dt.date]]:
    if a.recurrence == "yearly":
        month, day = cfg.yearly_report
        return [(RULE_YEARLY, dt.date(year, month, day))]
    if a.recurrence == "ongoing":
        return [(RULE_CHECKIN, dt.date(year, m, d)) for m, d in cfg.ongoing_checkins]
    return []


def _recurring(
    a: Assignment, now: dt.datetime, cfg: RuleConfig, cal: WorkCalendar
) -> DueReminder | None:
    today = now.astimezone(cal.tz).date()
    best: DueReminder | None = None
    for year in (today.year - 1, today.year):
        for rule, day in _occurrences(a, year, cfg):
            send_at = cal.send_time_before(day, cfg.send_time)
            if send_at > now or today > day + dt.timedelta(days=cfg.recurring_grace_days):
                continue
            if best is None or day > best.due_date:
                best = _make(a, rule, day, send_at)
    if best is None:
        return None
    if a.last_update is not None:
        recent_from = cal.at(best.due_date, dt.time(0)) - dt.timedelta(days=cfg.recent_update_days)
        if a.last_update >= recent_from:
            return None
    return best
