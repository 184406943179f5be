"""Coordinator dates and capacities; every text check answers any input without crashing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.campaigns.dates import parse_capacity, parse_local_datetime
from bot.clock import VN_TZ
from bot.volunteers.validation import (
    InvalidInput,
    clean_name,
    clean_place,
    normalize_blood_group,
)

MORNING = dt.time(7, 30)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15/03/2026", dt.datetime(2026, 3, 15, 7, 30, tzinfo=VN_TZ)),
        ("15/3/2026 11:45", dt.datetime(2026, 3, 15, 11, 45, tzinfo=VN_TZ)),
        ("5-3-2026 7h", dt.datetime(2026, 3, 5, 7, 0, tzinfo=VN_TZ)),
        ("05.03.2026 7h30", dt.datetime(2026, 3, 5, 7, 30, tzinfo=VN_TZ)),
    ],
)
def test_dates_are_read_in_vietnam_time(raw: str, expected: dt.datetime) -> None:
    parsed = parse_local_datetime(raw, VN_TZ, default_time=MORNING)
    assert parsed == expected and parsed.utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("mai", "date_format"),
        ("2026-03-15", "date_format"),
        ("31/02/2026", "date_invalid"),
        ("15/03/2026 25:00", "date_format"),
        ("", "date_format"),
    ],
)
def test_bad_dates(raw: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_local_datetime(raw, VN_TZ, default_time=MORNING)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("30", 30), (" 1.000 ", 1000), ("0", None), ("không", None), ("-", None)],
)
def test_capacity(raw: str, expected: int | None) -> None:
    assert parse_capacity(raw) == expected


@pytest.mark.parametrize("raw", ["ba mươi", "-5", "100001", "1e3", "٣٠"])
def test_bad_capacity(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_capacity(raw)


_checks = [
    clean_name,
    clean_place,
    normalize_blood_group,
    parse_capacity,
    lambda raw: parse_local_datetime(raw, VN_TZ, default_time=MORNING),
]


@settings(max_examples=300)
@given(st.text(max_size=4096), st.sampled_from(range(len(_checks))))
def test_any_text_is_accepted_or_refused_with_a_reason(raw: str, which: int) -> None:
    try:
        result = _checks[which](raw)
    except InvalidInput as exc:
        assert exc.reason  # a code the handlers translate
        return
    assert result is None or isinstance(result, str | int | dt.datetime)
    if isinstance(result, str):
        assert result == result.strip() and "\x00" not in result
