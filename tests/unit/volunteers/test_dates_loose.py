"""Campaign dates and places as coordinators type them: words, no diacritics, units."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.campaigns.dates import parse_capacity, parse_local_datetime
from bot.volunteers.validation import InvalidInput

TZ = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50 người", 50),
        ("50 nguoi", 50),
        ("1.000 chỗ", 1000),
        ("Không giới hạn", None),
        ("khong gioi han", None),
        ("no limit", None),
        ("0", None),
    ],
)
def test_capacity_typed_loosely(raw: str, expected: int | None) -> None:
    assert parse_capacity(raw) == expected


@pytest.mark.parametrize("raw", ["nhiều lắm", "50 con mèo", "-5", "200000"])
def test_capacity_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_capacity(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ngay 15 thang 3 nam 2027", dt.datetime(2027, 3, 15, 7, 0, tzinfo=TZ)),
        ("ngày 15 tháng 3 năm 2027 lúc 7h30", dt.datetime(2027, 3, 15, 7, 30, tzinfo=TZ)),
        ("15-3-2027 17:00", dt.datetime(2027, 3, 15, 17, 0, tzinfo=TZ)),
    ],
)
def test_dates_in_words(raw: str, expected: dt.datetime) -> None:
    assert parse_local_datetime(raw, TZ, default_time=dt.time(7, 0)) == expected


def test_impossible_spelled_date_is_refused() -> None:
    with pytest.raises(InvalidInput):
        parse_local_datetime("ngay 31 thang 2 nam 2027", TZ, default_time=dt.time(7, 0))
