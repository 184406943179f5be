"""What people type to the scheduler's commands, and button data: parsed or refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.actions import parse_date, snooze_until
from scheduler.config import SchedulerSettings
from scheduler.rules import RuleConfig
from scheduler.texts import parse_callback
from scheduler.workdays import VN_TZ, WorkCalendar

TODAY = dt.date(2027, 6, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/06/2027", dt.date(2027, 6, 20)),
        ("20-6-27", dt.date(2027, 6, 20)),
        ("2027-06-20", dt.date(2027, 6, 20)),
        ("20.06.2027", dt.date(2027, 6, 20)),
        ("20/6", dt.date(2027, 6, 20)),
        ("1/1", dt.date(2028, 1, 1)),  # already past this year: next year
        ("31/02/2027", None),
        ("mai", None),
        ("", None),
        ("20/06/2027 và 21/06", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text, TODAY) == expected


@given(st.text(max_size=4096))
def test_parse_date_never_raises(text: str) -> None:
    result = parse_date(text, TODAY)
    assert result is None or isinstance(result, dt.date)


@given(st.text(max_size=80))
def test_forged_callback_data_is_refused_or_well_formed(data: str) -> None:
    parsed = parse_callback(data)
    if parsed is not None:
        action, reminder_id = parsed
        assert action in ("u", "a", "s") and reminder_id >= 0
        assert data == f"rem:{action}:{data.split(':')[2]}"


def test_callback_data() -> None:
    assert parse_callback("rem:s:12") == ("s", 12)
    for bad in ("rem:x:1", "rem:s:-1", "rem:s:1:2", "t:s:1", "rem:s:" + "9" * 30, None):
        assert parse_callback(bad) is None


def test_snooze_lands_on_a_working_day_outside_quiet_hours() -> None:
    cal, cfg = WorkCalendar.default(), RuleConfig()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=VN_TZ)

    assert snooze_until(at(dt.date(2027, 6, 16), 9), cal, cfg) == at(dt.date(2027, 6, 17), 9)
    # Friday -> Saturday is off -> Monday 08:00
    assert snooze_until(at(dt.date(2027, 6, 18), 9), cal, cfg) == at(dt.date(2027, 6, 21), 8)
    # 19:30 + 24 h is fine; 06:00 + 24 h is quiet -> 07:00
    assert snooze_until(at(dt.date(2027, 6, 16), 6), cal, cfg) == at(dt.date(2027, 6, 17), 7)
    # Before Tết 2027 (4-10/2): Wednesday 3/2 -> Thursday 11/2 08:00
    assert snooze_until(at(dt.date(2027, 2, 3), 10), cal, cfg) == at(dt.date(2027, 2, 11), 8)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMINDER_DAYS_BEFORE", "14,3")
    monkeypatch.setenv("REMINDER_YEARLY_DATE", "11-30")
    monkeypatch.setenv("DIGEST_TIME", "07:30")
    settings = SchedulerSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.rules().before_days == (14, 3)
    assert settings.rules().yearly_report == (11, 30)
    assert settings.digest().time == dt.time(7, 30)
    monkeypatch.setenv("REMINDER_YEARLY_DATE", "02-30")
    with pytest.raises(ValueError):
        SchedulerSettings(_env_file=None)  # type: ignore[call-arg]
