"""Per-user throttle: at most ``limit`` updates in any ``window`` seconds per user.

The first update over the limit gets one polite "slow down" (the caller sends it);
the rest are dropped silently until the window has room again. Plain logic on a
monotonic clock, testable without Telegram.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    ok = "ok"
    warn = "warn"  # over the limit for the first time in this burst: say so, once
    drop = "drop"  # over the limit, already told: silence


class Throttle:
    def __init__(
        self,
        limit: int,
        window: float,
        now: Callable[[], float] = time.monotonic,
        max_users: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self._now = now
        self.max_users = max_users
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def check(self, user_id: int) -> Verdict:
        if self.limit <= 0:
            return Verdict.ok
        now = self._now()
        seen = self._seen.get(user_id)
        if seen is None:
            if len(self._seen) >= self.max_users:
                self._forget_idle(now)
            seen = self._seen[user_id] = deque()
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._warned.discard(user_id)
            return Verdict.ok
        if user_id in self._warned:
            return Verdict.drop
        self._warned.add(user_id)
        return Verdict.warn

    def _forget_idle(self, now: float) -> None:
        for user_id, seen in list(self._seen.items()):
            if not seen or seen[-1] <= now - self.window:
                del self._seen[user_id]
                self._warned.discard(user_id)
