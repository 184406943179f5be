"""Reminder rules with a moved clock: Tết 2027 and 2028, weekends, catch-up, done."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.progress.queries import Assignment
from scheduler.rules import DueReminder, RuleConfig, due_reminder
from scheduler.workdays import VN_TZ, WorkCalendar

D = dt.date
CFG = RuleConfig()


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.default()


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN_TZ)


def run_clock(
    a: Assignment, start: dt.datetime, end: dt.datetime, cal: WorkCalendar, step_minutes: int = 60
) -> dict[tuple, dt.datetime]:
    """Scan every ``step_minutes`` like the job would; record when each key is first due
    (what the database claim does). Returns key -> moment it was sent."""
    sent: dict[tuple, dt.datetime] = {}
    now = start
    while now <= end:
        r = due_reminder(a, now, CFG, cal)
        if r is not None and r.key not in sent:
            sent[r.key] = now
            assert cal.is_working_day(now.date()), f"{r.rule} sent on a day off {now}"
            assert not cal.in_quiet_hours(now)
        now += dt.timedelta(minutes=step_minutes)
    return sent


def dated(due: dt.date, role: str = "lead", **kw: object) -> Assignment:
    return Assignment("t1", "ag1", role, "date", due=due, **kw)  # type: ignore[arg-type]


def test_30_7_1_days_before_on_plain_working_days(cal: WorkCalendar) -> None:
    due = D(2027, 6, 17)  # a Thursday; 30/7/1 days before: 18/5 Tue, 10/6 Thu, 16/6 Wed
    sent = run_clock(dated(due), at(D(2027, 5, 1), 0), at(due, 23), cal)
    assert sent == {
        ("t1", "ag1", "before_30", due): at(D(2027, 5, 18)),
        ("t1", "ag1", "before_7", due): at(D(2027, 6, 10)),
        ("t1", "ag1", "before_1", due): at(D(2027, 6, 16)),
    }


def test_weekend_reminder_moves_to_friday_once(cal: WorkCalendar) -> None:
    due = D(2026, 3, 16)  # Monday: 1 day before is Sunday -> Friday 13/3
    sent = run_clock(dated(due), at(D(2026, 3, 10), 0), at(due, 23), cal, step_minutes=5)
    before_1 = [k for k in sent if k[2] == "before_1"]
    assert before_1 == [("t1", "ag1", "before_1", due)]
    assert sent[before_1[0]] == at(D(2026, 3, 13))


def test_holiday_reminder_arrives_working_day_before_tet_2027(cal: WorkCalendar) -> None:
    # Deadline 11/2/2027, the first working day after Tết (4-10/2): "1 day before"
    # (10/2) and "7 days before" (4/2) both fall in Tết -> Wednesday 3/2, once.
    due = D(2027, 2, 11)
    sent = run_clock(dated(due), at(D(2027, 1, 1), 0), at(due, 23), cal, step_minutes=30)
    assert sent == {
        ("t1", "ag1", "before_30", due): at(D(2027, 1, 12)),
        ("t1", "ag1", "before_1", due): at(D(2027, 2, 3)),
    }


def test_holiday_reminder_tet_2028(cal: WorkCalendar) -> None:
    # Deadline 2/2/2028; 1 day before = 1/2 (Tue, working); 7 days before = 26/1 = Tết
    # (24-29/1) -> Friday 21/1.
    due = D(2028, 2, 2)
    sent = run_clock(dated(due), at(D(2027, 12, 20), 0), at(due, 23), cal)
    assert sent[("t1", "ag1", "before_7", due)] == at(D(2028, 1, 21))
    assert sent[("t1", "ag1", "before_1", due)] == at(D(2028, 2, 1))
    assert all(cal.is_working_day(moment.date()) for moment in sent.values())


def test_catch_up_after_downtime_sends_only_the_latest(cal: WorkCalendar) -> None:
    due = D(2027, 6, 17)
    # Down from 1/5 to Saturday 12/6 10:00: the 30- and 7-day reminders were missed;
    # only the 7-day one is still relevant, on Monday 14/6; then the 1-day one.
    sent = run_clock(dated(due), at(D(2027, 6, 12), 10), at(due, 23), cal)
    assert list(sent.items()) == [
        (("t1", "ag1", "before_7", due), at(D(2027, 6, 14), 7)),
        (("t1", "ag1", "before_1", due), at(D(2027, 6, 16), 8)),
    ]
    # After the deadline, "before" reminders are no longer relevant.
    assert due_reminder(dated(due, role="coordinate"), at(D(2027, 6, 18)), CFG, cal) is None


def test_done_stops_reminders(cal: WorkCalendar) -> None:
    due = D(2027, 6, 17)
    assert due_reminder(dated(due, done=True), at(D(2027, 6, 16), 9), CFG, cal) is None
    assert due_reminder(dated(due), at(D(2027, 6, 16), 9), CFG, cal) is not None


def test_overdue_weekly_to_lead_only(cal: WorkCalendar) -> None:
    due = D(2027, 3, 5)  # Friday; overdue nominal 6/3 (Sat) -> Monday 8/3, then 13/3 -> 15/3
    sent = run_clock(dated(due), at(D(2027, 3, 6), 0), at(D(2027, 3, 21), 23), cal)
    assert sent == {
        ("t1", "ag1", "overdue", D(2027, 3, 6)): at(D(2027, 3, 8)),
        ("t1", "ag1", "overdue", D(2027, 3, 13)): at(D(2027, 3, 15)),
    }
    coordinate = dated(due, role="coordinate")
    assert run_clock(coordinate, at(D(2027, 3, 6), 0), at(D(2027, 3, 21), 23), cal) == {}
    done = dated(due, done=True)
    assert run_clock(done, at(D(2027, 3, 6), 0), at(D(2027, 3, 21), 23), cal) == {}


def test_overdue_weekly_on_working_days(cal: WorkCalendar) -> None:
    due = D(2027, 1, 27)  # Wednesday; weekly from Thursday 28/1; 4/2 is Tết -> 11/2
    sent = run_clock(dated(due), at(D(2027, 1, 28), 0), at(D(2027, 2, 19), 23), cal)
    assert list(sent.values()) == [at(D(2027, 1, 28)), at(D(2027, 2, 11)), at(D(2027, 2, 18))]
    # The Tết week's occurrence (4/2) merges into 11/2's: one reminder, not two.
    assert [k[3] for k in sent] == [D(2027, 1, 28), D(2027, 2, 11), D(2027, 2, 18)]


def test_yearly_report_reminder(cal: WorkCalendar) -> None:
    a = Assignment("t1", "ag1", "lead", "recurring", recurrence="yearly")
    sent = run_clock(a, at(D(2027, 11, 20), 0), at(D(2027, 12, 31), 23), cal)
    assert sent == {("t1", "ag1", "yearly", D(2027, 12, 1)): at(D(2027, 12, 1))}
    custom = RuleConfig(yearly_report=(11, 27))  # a Saturday in 2027 -> Friday 26/11
    r = due_reminder(a, at(D(2027, 11, 26), 9), custom, cal)
    assert r is not None and r.due_date == D(2027, 11, 27)


def test_quarterly_checkin_skipped_after_recent_update(cal: WorkCalendar) -> None:
    a = Assignment("t1", "ag1", "lead", "recurring", recurrence="ongoing")
    sent = run_clock(a, at(D(2027, 1, 1), 0), at(D(2027, 12, 31), 23), cal, step_minutes=240)
    assert [k[3] for k in sent] == [D(2027, 3, 15), D(2027, 6, 15), D(2027, 9, 15), D(2027, 12, 15)]
    updated = Assignment(
        "t1", "ag1", "lead", "recurring", recurrence="ongoing", last_update=at(D(2027, 3, 1))
    )
    assert due_reminder(updated, at(D(2027, 3, 15), 9), CFG, cal) is None


@pytest.mark.parametrize("kind", ["conditional", "none", "period"])
def test_undated_kinds_remind_nobody(cal: WorkCalendar, kind: str) -> None:
    a = Assignment("t1", "ag1", "lead", kind)
    assert run_clock(a, at(D(2027, 1, 1), 0), at(D(2027, 3, 1), 0), cal, step_minutes=720) == {}


def test_due_reminder_key_and_role(cal: WorkCalendar) -> None:
    r = due_reminder(dated(D(2027, 6, 17), role="coordinate"), at(D(2027, 6, 16), 9), CFG, cal)
    assert isinstance(r, DueReminder)
    assert r.role == "coordinate" and r.key == ("t1", "ag1", "before_1", D(2027, 6, 17))
