"""Dates and task codes as officers type them to /vang and /hanchot (no diacritics, words)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.progress.parse import ParseError, parse_one_line, status_in_text
from bot.progress.refs import matches_code
from scheduler.actions import parse_away, parse_date

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngay 15 thang 12", dt.date(2026, 12, 15)),
        ("ngày 15 tháng 12 năm 2027", dt.date(2027, 12, 15)),
        ("den 15/12", dt.date(2026, 12, 15)),
        ("đến hết ngày 15-12-2026", dt.date(2026, 12, 15)),
        ("2 tuan", dt.date(2026, 12, 7)),
        ("3 ngày", dt.date(2026, 11, 26)),
        ("1 thang", dt.date(2026, 12, 23)),
        ("2 weeks", dt.date(2026, 12, 7)),
        ("31 thang 2", None),
        ("vai ngay", None),
    ],
)
def test_dates_in_words(text: str, expected: dt.date | None) -> None:
    assert parse_date(text, TODAY) == expected


def test_month_span_ends_on_a_real_day() -> None:
    assert parse_date("1 thang", dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("typed", "code", "same"),
    [
        ("ii2", "II.2", True),
        ("2.2", "II.2", True),
        ("II.2", "II.2", True),
        ("iii1b", "III.1.b", True),
        ("iii8-2", "III.8-2", True),
        ("2.2", "V.2", False),
        ("ii2", "II.12", False),
        ("II,2", "II.2", False),  # a typo: confirmed from suggestions, never guessed
        ("III.1b", "III.1.b", False),
    ],
)
def test_short_codes_typed_loosely(typed: str, code: str, same: bool) -> None:
    assert matches_code(typed, code) is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mai", dt.date(2026, 11, 24)),
        ("ngày mai", dt.date(2026, 11, 24)),
        ("tomorrow", dt.date(2026, 11, 24)),
        ("đến hết tuần", dt.date(2026, 11, 29)),  # 23/11/2026 is a Monday
        ("15/12", dt.date(2026, 12, 15)),
        ("2 tuan", dt.date(2026, 12, 7)),
        ("sắp tới", None),
    ],
)
def test_away_words(text: str, expected: dt.date | None) -> None:
    assert parse_away(text, TODAY) == expected


@pytest.mark.parametrize(
    ("line", "ref", "percent"),
    [
        ("II 2 xong", "II.2", None),
        ("iii 1.b 40% dang lam", "iii.1.b", 40),
        ("II 60 % ok", "II", 60),  # a percent, not a task number
    ],
)
def test_one_line_section_and_number_apart(line: str, ref: str, percent: int | None) -> None:
    parsed = parse_one_line(line)
    assert (parsed.ref, parsed.percent) == (ref, percent)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("hoan thanh", "done"),
        ("Đang làm", "in_progress"),
        ("xong roi", "done"),
        ("vuong mac.", "blocked"),
        ("da gui du thao cho bo", None),
        ("60", None),
    ],
)
def test_status_typed_alone(text: str, status: str | None) -> None:
    found = status_in_text(text)
    assert (found.value if found else None) == status


def test_negative_percent_is_refused() -> None:
    with pytest.raises(ParseError):
        parse_one_line("II.2 -5% da gui")
