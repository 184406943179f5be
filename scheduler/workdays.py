"""Vietnam's working-day calendar: weekends, public holidays, make-up days, quiet hours.

Public holidays (Tết Nguyên Đán and Giỗ Tổ Hùng Vương by the lunar calendar, 1/1, 30/4,
1/5, 2/9 and the days the government adds) come from the ``holidays`` package for any
year; the Saturdays worked in exchange and any day the package misses are read from
``knowledge/data/calendar/makeup_days.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml

MAKEUP_DAYS_FILE = (
    Path(__file__).resolve().parent.parent / "knowledge" / "data" / "calendar" / "makeup_days.yaml"
)
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class MakeupDays:
    working_days: frozenset[dt.date] = frozenset()
    days_off: frozenset[dt.date] = frozenset()


def load_makeup_days(path: Path = MAKEUP_DAYS_FILE) -> MakeupDays:
    """Read the make-up days file; a missing file means no changes."""
    if not path.exists():
        return MakeupDays()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def dates(key: str) -> frozenset[dt.date]:
        out = set()
        for entry in data.get(key) or []:
            value = entry["date"] if isinstance(entry, dict) else entry
            if isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if not isinstance(value, dt.date):
                raise ValueError(f"{path}: {key}: not a date: {value!r}")
            out.add(value)
        return frozenset(out)

    return MakeupDays(working_days=dates("working_days"), days_off=dates("days_off"))


@dataclass
class WorkCalendar:
    """Which days are worked in Vietnam, and when a message may be sent."""

    makeup: MakeupDays = field(default_factory=MakeupDays)
    tz: dt.tzinfo = VN_TZ
    quiet_start: dt.time = dt.time(20, 0)
    quiet_end: dt.time = dt.time(7, 0)

    def __post_init__(self) -> None:
        self._holidays = holidays.country_holidays("VN")

    @classmethod
    def default(cls) -> WorkCalendar:
        return cls(makeup=load_makeup_days())

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup.working_days:
            return True
        if day.weekday() >= 5 or day in self.makeup.days_off:
            return False
        return day not in self._holidays

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def send_time_before(self, day: dt.date, time: dt.time) -> dt.datetime:
        """``time`` on ``day``, moved to the working day before when ``day`` is off."""
        return self.at(self.working_day_on_or_before(day), self.clamp_time(time))

    def send_time_after(self, day: dt.date, time: dt.time) -> dt.datetime:
        """``time`` on ``day``, moved to the next working day when ``day`` is off."""
        return self.at(self.working_day_on_or_after(day), self.clamp_time(time))

    def clamp_time(self, time: dt.time) -> dt.time:
        """A configured send time pulled out of the quiet hours (to their end)."""
        return self.quiet_end if self._quiet_time(time) else time

    def _quiet_time(self, time: dt.time) -> bool:
        return time >= self.quiet_start or time < self.quiet_end

    def in_quiet_hours(self, moment: dt.datetime) -> bool:
        return self._quiet_time(moment.astimezone(self.tz).time().replace(tzinfo=None))

    def next_send_window(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself if messages may go out then, else the end of the quiet hours."""
        local = moment.astimezone(self.tz)
        if not self.in_quiet_hours(local):
            return moment
        day = local.date()
        if local.time() >= self.quiet_start:
            day += dt.timedelta(days=1)
        return self.at(day, self.quiet_end)

    def days_off(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        day = start
        while day <= end:
            if not self.is_working_day(day):
                yield day
            day += dt.timedelta(days=1)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    return WorkCalendar.default()
