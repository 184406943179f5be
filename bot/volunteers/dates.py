"""Dates and times as coordinators type them: ``25/12/2026`` or ``25/12/2026 07:30``.

Always read in the bot's time zone (Asia/Ho_Chi_Minh); the result is aware.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.volunteers.validation import InvalidInput

_DATE_TIME = re.compile(
    r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+(\d{1,2})[:hH](\d{2})?)?\s*$"
)


def parse_local_datetime(raw: str, tz: dt.tzinfo, *, default_time: dt.time) -> dt.datetime:
    """``dd/mm/yyyy [HH:MM]`` (also ``-`` or ``.``, and ``7h30``) → aware datetime in ``tz``."""
    m = _DATE_TIME.match(raw or "")
    if not m:
        raise InvalidInput("date_format")
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    time = default_time
    if m[4] is not None:
        hour, minute = int(m[4]), int(m[5] or 0)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise InvalidInput("date_format")
        time = dt.time(hour, minute)
    try:
        return dt.datetime.combine(dt.date(year, month, day), time, tzinfo=tz)
    except ValueError:
        raise InvalidInput("date_invalid") from None


def parse_capacity(raw: str) -> int | None:
    """A positive number of seats, or None for "no limit" (``0``, ``-``, ``không``, ``no``)."""
    text = (raw or "").strip().casefold()
    if text in {"0", "-", "không", "khong", "no", "none", "không giới hạn", "unlimited"}:
        return None
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidInput("capacity")
    value = int(digits)
    if not 1 <= value <= 100_000:
        raise InvalidInput("capacity")
    return value
