"""Injectable clocks: domain code asks a ``Clock`` for the time, never ``datetime.now``.

Every time a clock returns is timezone-aware (Asia/Ho_Chi_Minh unless told
otherwise). Tests use ``ManualClock`` (alias ``FrozenClock``) to pin and move time.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@runtime_checkable
class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware."""
        ...


def _require_aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetimes are not allowed; attach a tzinfo")
    return value


class SystemClock:
    """The real time in ``tz`` (default Asia/Ho_Chi_Minh)."""

    def __init__(self, tz: dt.tzinfo = VN_TZ) -> None:
        self.tz = tz

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)


class ManualClock:
    """A clock that only moves when told to: ``set`` or ``advance``."""

    def __init__(self, start: dt.datetime | None = None, tz: dt.tzinfo = VN_TZ) -> None:
        self.tz = tz
        self._now = _require_aware(start).astimezone(tz) if start else dt.datetime.now(tz)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, value: dt.datetime) -> None:
        self._now = _require_aware(value).astimezone(self.tz)

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        """Move forward by ``delta`` or by timedelta keyword arguments (hours=25)."""
        self._now = self._now + (delta if delta is not None else dt.timedelta(**kwargs))
        return self._now


FrozenClock = ManualClock

SYSTEM_CLOCK: Clock = SystemClock()
