"""Dates and times as coordinators type them: ``25/12/2026`` or ``25/12/2026 07:30``.

Always read in the bot's time zone (Asia/Ho_Chi_Minh); the result is aware.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from bot.volunteers.validation import InvalidInput

_DATE_TIME = re.compile(
    r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+(\d{1,2})[:hH](\d{2})?)?\s*$"
)


# "ngày 15 tháng 3 năm 2027 lúc 7h30", folded: the date as people say it.
_SPELLED = re.compile(
    r"^\s*(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})"
    r"(?:\s*,?\s*(?:luc\s+)?(\d{1,2}[:h]\d{0,2}))?\s*$"
)
_NO_LIMIT = {
    "0",
    "-",
    "khong",
    "no",
    "none",
    "khong gioi han",
    "unlimited",
    "no limit",
    "bao nhieu cung duoc",
}
_UNIT = re.compile(r"\s*(?:nguoi|cho|tnv|tinh nguyen vien|people|persons|places|seats)\.?$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold()).replace("đ", "d")
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def parse_local_datetime(raw: str, tz: dt.tzinfo, *, default_time: dt.time) -> dt.datetime:
    """``dd/mm/yyyy [HH:MM]`` (also ``-`` or ``.``, ``7h30``, and ``ngày 15 tháng 3 năm 2027
    lúc 7h30``) → aware datetime in ``tz``."""
    if spelled := _SPELLED.match(_fold(raw or "")):
        raw = f"{spelled[1]}/{spelled[2]}/{spelled[3]}" + (f" {spelled[4]}" if spelled[4] else "")
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
    text = _UNIT.sub("", _fold(raw or ""))
    if text in _NO_LIMIT:
        return None
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidInput("capacity")
    value = int(digits)
    if not 1 <= value <= 100_000:
        raise InvalidInput("capacity")
    return value


def parse_start(raw: str, tz: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """When a new campaign starts (07:30 unless a time is given); never in the past."""
    starts = parse_local_datetime(raw, tz, default_time=dt.time(7, 30))
    if starts <= now:
        raise InvalidInput("in_the_past")
    return starts


def parse_end(raw: str, tz: dt.tzinfo, starts: dt.datetime) -> dt.datetime:
    """When it ends (17:00 unless a time is given); not before it starts."""
    ends = parse_local_datetime(raw, tz, default_time=dt.time(17, 0))
    if ends < starts:
        raise InvalidInput("ends_before_start")
    return ends
