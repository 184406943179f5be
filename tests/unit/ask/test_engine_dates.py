"""Dates and months written in questions (knowledge/asked_dates.py)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.asked_dates import date_in, month_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("việc nào phải xong trước ngày 05/3/2023", dt.date(2023, 3, 5)),
        ("han 5-3-2023", dt.date(2023, 3, 5)),
        ("ngày 5 tháng 3 năm 2023", dt.date(2023, 3, 5)),
        ("due on 5 March 2023", dt.date(2023, 3, 5)),
        ("31/02/2023 rồi 01/03/2023", dt.date(2023, 3, 1)),  # an impossible date is skipped
        ("tháng 12/2023", None),
        ("QĐ 895/QĐ-TTg", None),
    ],
)
def test_date_in(text: str, expected: dt.date | None) -> None:
    assert date_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hạn tháng 12/2023", (2023, 12)),
        ("tháng 12 năm 2023", (2023, 12)),
        ("What is due in December 2023?", (2023, 12)),
        ("năm 2023", None),
        ("Nghị định 93/2019", None),
    ],
)
def test_month_in(text: str, expected: tuple[int, int] | None) -> None:
    assert month_in(text) == expected


@given(st.text())
def test_never_fails(text: str) -> None:
    date_in(text)
    month_in(text)
