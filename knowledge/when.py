"""Deadlines against a calendar: the last day a printed deadline allows, windows of time a
question names (a year, a quarter, a month, "this month", "next year"), and whether a
duty is overdue or due soon as of a given day.

Pure functions of their arguments: the engine passes ``today`` (Asia/Ho_Chi_Minh), so
answers about time are deterministic in tests.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from knowledge.asked_dates import date_in
from knowledge.model import Deadline

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# "Sắp đến hạn" / "due soon": the last day falls within this many days from today.
SOON_DAYS = 30

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTHS_EN = [
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
]
_MONTH_NAMES = "|".join(_MONTHS_EN)


def local_today() -> dt.date:
    return dt.datetime.now(ZONE).date()


@dataclass(frozen=True)
class Window:
    """A stretch of calendar time a question names."""

    start: dt.date
    end: dt.date
    span: str  # "day", "month", "quarter", "year"

    def holds(self, deadline: Deadline) -> bool:
        """Whether a duty is due in this window: its date falls in it, or (for a year)
        its printed period touches it, or (shorter windows) the period ends in it."""
        if self.span == "day" and date_in(deadline.text) == self.start:
            return True  # "trước ngày 05/3/2023" asked as "due on 5 March 2023"
        if deadline.kind == "date" and deadline.due:
            return self.start <= deadline.due <= self.end
        if deadline.kind == "period" and deadline.start and deadline.end:
            if self.span == "year":
                return deadline.start <= self.end and deadline.end >= self.start
            return self.start <= deadline.end <= self.end
        return False


def last_day(deadline: Deadline) -> dt.date | None:
    """The last day a dated deadline allows (None for recurring, conditional, blank)."""
    if deadline.kind == "date":
        return deadline.due
    if deadline.kind == "period":
        return deadline.end
    return None


def kind_label(deadline: Deadline) -> str:
    """One word for a deadline's kind: date, period, conditional, none, ongoing, yearly,
    or periodic (recurring with no printed frequency)."""
    if deadline.kind != "recurring":
        return deadline.kind
    return deadline.recurrence if deadline.recurrence in ("ongoing", "yearly") else "periodic"


def year_window(year: int) -> Window:
    return Window(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def month_window(year: int, month: int) -> Window:
    last = calendar.monthrange(year, month)[1]
    return Window(dt.date(year, month, 1), dt.date(year, month, last), "month")


def quarter_window(year: int, quarter: int) -> Window:
    first = 3 * (quarter - 1) + 1
    last = calendar.monthrange(year, first + 2)[1]
    return Window(dt.date(year, first, 1), dt.date(year, first + 2, last), "quarter")


_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}")
_WORDED_DATE = re.compile(
    r"(?<!\d)\d{1,2}\s+(?:thang\s+)?(?:\d{1,2}|[a-z]+)\s*(?:nam\s+)?,?\s*\d{4}"
)
_QUARTER = re.compile(r"\b(?:quy|quarter|q)\s*(iv|iii|ii|i|[1-4])\s*(?:/|-|nam|of|,)?\s*(20\d\d)\b")
_MONTH = re.compile(
    rf"\b(?:thang\s+(\d{{1,2}})\s*(?:/|nam|-)\s*|(?<![\d/.])(\d{{1,2}})\s*/\s*|({_MONTH_NAMES})\s+)"
    r"(20\d\d)\b"
)
_YEAR = re.compile(r"(?<![\d/.-])(20\d\d)(?![\d/]|\s*-\s*(?:kl|ct|qd|nd|cp))")
_RELATIVE = (
    (re.compile(r"\b(nam nay|this year)\b"), "year", 0),
    (re.compile(r"\b(nam ngoai|nam truoc|nam roi|last year|previous year)\b"), "year", -1),
    (re.compile(r"\b(nam sau|nam toi|sang nam|next year)\b"), "year", 1),
    (re.compile(r"\b(thang nay|this month)\b"), "month", 0),
    (re.compile(r"\b(thang sau|thang toi|next month)\b"), "month", 1),
    (re.compile(r"\b(thang truoc|last month)\b"), "month", -1),
    (re.compile(r"\b(quy nay|this quarter)\b"), "quarter", 0),
)
_BEFORE = re.compile(
    r"\b(truoc|before|by|cham nhat|den het|no later than|until)"
    r"\s*(?:ngay|nam|thang|the end of|end of|cuoi)?\s*$"
)
_AFTER = re.compile(r"\b(sau|after|tu sau|later than)\s*(?:ngay|nam|thang)?\s*$")


@dataclass(frozen=True)
class TimeAsked:
    """What a question says about time: a window, and a bound before or after."""

    window: Window | None = None
    before: dt.date | None = None  # the last day must fall before this day
    after: dt.date | None = None  # the last day must fall after this day
    words: frozenset[str] = frozenset()  # the folded words that said it


def _shift_month(today: dt.date, n: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + n
    return index // 12, index % 12 + 1


def read_time(folded: str, today: dt.date) -> TimeAsked:
    """The window or bound of time a (folded) question names, relative to ``today``."""
    window: Window | None = None
    span_at = -1
    words: set[str] = set()
    found = date_in(folded)
    if found is not None:
        m = _NUMERIC_DATE.search(folded) or _WORDED_DATE.search(folded)
        span_at = m.start() if m else 0
        window = Window(found, found, "day")
    if window is None and (m := _QUARTER.search(folded)):
        q = _ROMAN.get(m.group(1)) or int(m.group(1))
        window, span_at = quarter_window(int(m.group(2)), q), m.start()
    if window is None and (m := _MONTH.search(folded)):
        month = m.group(1) or m.group(2)
        number = int(month) if month else _MONTHS_EN.index(m.group(3)) + 1
        if 1 <= number <= 12:
            window, span_at = month_window(int(m.group(4)), number), m.start()
    if window is None and (m := _YEAR.search(folded)):
        window, span_at = year_window(int(m.group(1))), m.start()
    if window is None:
        for pattern, span, shift in _RELATIVE:
            if m := pattern.search(folded):
                if span == "year":
                    window = year_window(today.year + shift)
                elif span == "month":
                    window = month_window(*_shift_month(today, shift))
                else:
                    window = quarter_window(today.year, (today.month - 1) // 3 + 1)
                span_at = m.start()
                words |= set(m.group(1).split())
                break
    if window is None:
        return TimeAsked()
    head = folded[:span_at]
    if _BEFORE.search(head):
        inclusive = re.search(r"(den het|cuoi|end of|by)\s*(?:nam|thang)?\s*$", head)
        bound = window.end + dt.timedelta(days=1) if inclusive else window.start
        return TimeAsked(before=bound, words=frozenset(words))
    if _AFTER.search(head):
        return TimeAsked(after=window.end, words=frozenset(words))
    return TimeAsked(window=window, words=frozenset(words))


def days_between(a: dt.date, b: dt.date) -> int:
    return (b - a).days
