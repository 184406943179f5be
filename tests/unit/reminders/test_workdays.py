"""The Vietnamese working-day calendar: Tết, Giỗ Tổ, weekends, make-up days, quiet hours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.workdays import VN_TZ, MakeupDays, WorkCalendar, load_makeup_days

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.default()


@pytest.mark.parametrize(
    "day",
    [
        D(2027, 2, 5),  # Tết 2027: eve
        D(2027, 2, 8),  # Tết 2027: third day (a Monday)
        D(2027, 2, 10),
        D(2027, 4, 16),  # Giỗ Tổ Hùng Vương 2027 (10/3 lunar)
        D(2028, 1, 26),  # Tết 2028: first day
        D(2028, 1, 28),
        D(2028, 4, 4),  # Giỗ Tổ Hùng Vương 2028
        D(2027, 4, 30),
        D(2028, 5, 1),
        D(2027, 9, 2),
        D(2027, 2, 13),  # a Saturday
        D(2027, 2, 14),  # a Sunday
    ],
)
def test_days_off(cal: WorkCalendar, day: dt.date) -> None:
    assert not cal.is_working_day(day)


@pytest.mark.parametrize("day", [D(2027, 2, 3), D(2027, 2, 11), D(2028, 1, 21), D(2028, 1, 31)])
def test_working_days_around_tet(cal: WorkCalendar, day: dt.date) -> None:
    assert cal.is_working_day(day)


def test_working_day_before_tet(cal: WorkCalendar) -> None:
    assert cal.working_day_on_or_before(D(2027, 2, 9)) == D(2027, 2, 3)
    assert cal.working_day_on_or_before(D(2028, 1, 30)) == D(2028, 1, 21)
    assert cal.working_day_on_or_after(D(2027, 2, 6)) == D(2027, 2, 11)
    assert cal.working_day_on_or_before(D(2027, 3, 3)) == D(2027, 3, 3)


def test_makeup_saturday_from_data_file(cal: WorkCalendar) -> None:
    # 26/4/2025 was worked in exchange for 2/5/2025 (the package lists only the day off).
    assert cal.is_working_day(D(2025, 4, 26))
    assert not cal.is_working_day(D(2025, 5, 2))


def test_makeup_file_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "days.yaml"
    path.write_text(
        "working_days:\n  - date: 2027-02-13\n    note: x\ndays_off:\n  - 2027-03-03\n",
        encoding="utf-8",
    )
    makeup = load_makeup_days(path)
    assert makeup == MakeupDays(frozenset({D(2027, 2, 13)}), frozenset({D(2027, 3, 3)}))
    cal = WorkCalendar(makeup=makeup)
    assert cal.is_working_day(D(2027, 2, 13))
    assert not cal.is_working_day(D(2027, 3, 3))
    assert load_makeup_days(tmp_path / "missing.yaml") == MakeupDays()


def test_makeup_file_rejects_garbage(tmp_path: Path) -> None:
    path = tmp_path / "days.yaml"
    path.write_text("working_days:\n  - date: 12\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a date"):
        load_makeup_days(path)


def test_quiet_hours(cal: WorkCalendar) -> None:
    at = lambda h, m=0: dt.datetime(2027, 3, 3, h, m, tzinfo=VN_TZ)  # noqa: E731
    assert cal.in_quiet_hours(at(20))
    assert cal.in_quiet_hours(at(6, 59))
    assert not cal.in_quiet_hours(at(7))
    assert not cal.in_quiet_hours(at(19, 59))
    assert cal.next_send_window(at(21)) == dt.datetime(2027, 3, 4, 7, tzinfo=VN_TZ)
    assert cal.next_send_window(at(3)) == dt.datetime(2027, 3, 3, 7, tzinfo=VN_TZ)
    assert cal.next_send_window(at(9)) == at(9)
    # The same instant given in UTC is judged in Vietnam's time.
    assert cal.in_quiet_hours(dt.datetime(2027, 3, 3, 14, tzinfo=dt.UTC))  # 21:00 ICT
    # A configured send time inside the quiet hours is pulled to their end.
    assert cal.send_time_before(D(2027, 3, 3), dt.time(22)) == at(7)
