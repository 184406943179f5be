"""Calendar dates and months written in a question ("trước ngày 05/3/2023",
"5 tháng 3 năm 2023", "5 March 2023", "tháng 12/2023", "December 2023")."""

from __future__ import annotations

import datetime as dt
import re

from knowledge.normalize import fold

_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DATE_WORDS = re.compile(
    r"(?<!\d)(\d{1,2})\s+(?:thang\s+)?(\d{1,2}|[a-z]+)\s*(?:nam\s+)?,?\s*(\d{4})(?!\d)"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def date_in(text: str) -> dt.date | None:
    """A full calendar date written in the question (05/3/2023, 5 tháng 3 năm 2023,
    5 March 2023), or None."""
    folded = fold(text)
    for pattern in (_DATE, _DATE_WORDS):
        for m in pattern.finditer(folded):
            day, month, year = m.groups()
            month_no = int(month) if month.isdigit() else _MONTHS.get(month, 0)
            try:
                return dt.date(int(year), month_no, int(day))
            except ValueError:
                continue
    return None


_MONTH_YEAR = re.compile(r"(?<![\d/])(?:thang\s+)?(\d{1,2}|[a-z]+)\s*(?:/|nam|,)?\s*(\d{4})(?!\d)")


def month_in(text: str) -> tuple[int, int] | None:
    """A month of a year written in the question (12/2023, tháng 12 năm 2023,
    December 2023), or None."""
    for m in _MONTH_YEAR.finditer(fold(text)):
        month, year = m.groups()
        number = int(month) if month.isdigit() else _MONTHS.get(month, 0)
        if 1 <= number <= 12:
            return int(year), number
    return None
