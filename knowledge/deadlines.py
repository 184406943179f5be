"""Parse deadlines as the documents print them into a kind and dates.

"12/2023" → date 2023-12-31; "trước ngày 05/3/2023" → date 2023-03-04 (the last
day it may still be done; answers always quote the printed text); "Năm 2023 - 2024"
→ period; "Hàng năm" → recurring yearly, "Thường xuyên" → recurring ongoing, "định kỳ"
with no frequency → recurring periodic (not yearly); "Sau khi …" → conditional; "" → none.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from knowledge.model import Deadline
from knowledge.normalize import fold


class DeadlineError(ValueError):
    """The printed deadline could not be classified."""


_FULL_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b(?:thang\s*)?(\d{1,2})\s*/\s*(\d{4})\b")
_QUARTER = re.compile(r"\bquy\s*(i{1,3}|iv|[1-4])\s*(?:/|nam)?\s*(\d{4})\b")
_YEARS = re.compile(r"\b(20\d{2})\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str) -> Deadline:
    """Classify a printed deadline; raise DeadlineError when it fits no kind."""
    printed = " ".join(text.split())
    f = fold(printed)
    if not f:
        return Deadline(text=printed, kind="none")
    if f.startswith("sau khi") or " sau khi " in f or f.startswith("khi "):
        return Deadline(text=printed, kind="conditional")
    if re.search(r"\bhang nam\b|\bmoi nam\b", f) and not _YEARS.search(f):
        return Deadline(text=printed, kind="recurring", recurrence="yearly")
    if re.search(r"\bdinh ky\b", f) and not _YEARS.search(f):
        # "định kỳ" alone prints no frequency: periodic, never read as yearly.
        return Deadline(text=printed, kind="recurring", recurrence="periodic")
    if "thuong xuyen" in f or "lien tuc" in f:
        return Deadline(text=printed, kind="recurring", recurrence="ongoing")
    try:
        if m := _FULL_DATE.search(f):
            day, month, year = (int(g) for g in m.groups())
            due = dt.date(year, month, day)
            if "truoc" in f:
                due = due - dt.timedelta(days=1)
            return Deadline(text=printed, kind="date", due=due)
        if (m := _QUARTER.search(f)) and not re.search(r"\d{4}\s*-\s*\d{4}", f):
            q = _ROMAN.get(m.group(1)) or int(m.group(1))
            return Deadline(text=printed, kind="date", due=_month_end(int(m.group(2)), q * 3))
        years = [int(y) for y in _YEARS.findall(f)]
        months = _MONTH_YEAR.findall(f)
        if months and len(set(years)) == 1 and len(months) == 1:
            month, year = (int(g) for g in months[0])
            return Deadline(text=printed, kind="date", due=_month_end(year, month))
    except ValueError as exc:  # impossible day or month
        raise DeadlineError(f"impossible date in deadline {printed!r}") from exc
    if years:
        first, last = min(years), max(years)
        if first == last and not re.search(r"\bnam\b", f) and len(years) == 1 and f != str(first):
            raise DeadlineError(f"cannot read deadline {printed!r}")
        return Deadline(
            text=printed,
            kind="period",
            start=dt.date(first, 1, 1),
            end=dt.date(last, 12, 31),
        )
    raise DeadlineError(f"cannot read deadline {printed!r}")
