"""Flood limits of the Bot API and the statistics the emulator keeps about sending."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rate:
    """At most ``count`` messages in any sliding window of ``per`` seconds."""

    count: int
    per: float


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's documented broadcast limits (https://core.telegram.org/bots/faq).

    ``private_chat`` is strict by default (1 message per second, no burst); use e.g.
    ``Rate(3, 1.0)`` to allow the short bursts Telegram tolerates in practice.
    """

    overall: Rate = Rate(30, 1.0)
    private_chat: Rate = Rate(1, 1.0)
    group_chat: Rate = Rate(20, 60.0)


@dataclass(frozen=True)
class FloodViolation:
    """One send that exceeded a limit (``enforced`` False: only recorded, not rejected)."""

    chat_id: int
    method: str
    rule: str  # "overall" | "private_chat" | "group_chat"
    retry_after: int
    at: float  # time.monotonic()
    enforced: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "method": self.method,
            "rule": self.rule,
            "retry_after": self.retry_after,
            "at": self.at,
            "enforced": self.enforced,
        }


@dataclass
class EmulatorStats:
    """Counters for benchmarks and assertions. Times are ``time.monotonic()`` seconds."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    sent: defaultdict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    violations: list[FloodViolation] = field(default_factory=list)

    @property
    def total_sent(self) -> int:
        return sum(len(times) for times in self.sent.values())

    @property
    def enforced_violations(self) -> list[FloodViolation]:
        return [v for v in self.violations if v.enforced]

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "errors": {str(code): count for code, count in self.errors.items()},
            "sent": {str(chat): list(times) for chat, times in self.sent.items()},
            "total_sent": self.total_sent,
            "violations": [v.to_dict() for v in self.violations],
        }


class FloodController:
    """Sliding-window accounting of sent messages per chat and per bot."""

    def __init__(
        self,
        limits: FloodLimits | None = None,
        *,
        enforce: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or FloodLimits()
        self.enforce = enforce
        self.clock = clock
        self._overall: deque[float] = deque()
        self._per_chat: defaultdict[int, deque[float]] = defaultdict(deque)

    @staticmethod
    def _retry_after(window: deque[float], rate: Rate, now: float) -> int | None:
        while window and window[0] <= now - rate.per:
            window.popleft()
        if len(window) < rate.count:
            return None
        return max(1, math.ceil(window[0] + rate.per - now))

    def check(self, chat_id: int) -> tuple[str, int] | None:
        """Return ``(rule, retry_after)`` if one more message to ``chat_id`` breaks a limit."""
        now = self.clock()
        rule = "group_chat" if chat_id < 0 else "private_chat"
        rate = self.limits.group_chat if chat_id < 0 else self.limits.private_chat
        chat_wait = self._retry_after(self._per_chat[chat_id], rate, now)
        overall_wait = self._retry_after(self._overall, self.limits.overall, now)
        if chat_wait is not None:
            return rule, chat_wait
        if overall_wait is not None:
            return "overall", overall_wait
        return None

    def record(self, chat_id: int) -> float:
        now = self.clock()
        self._overall.append(now)
        self._per_chat[chat_id].append(now)
        return now
