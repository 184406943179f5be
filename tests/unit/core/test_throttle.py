"""The per-user throttle's rule, on a hand-moved clock."""

from __future__ import annotations

from bot.throttle import Throttle, Verdict


def test_limit_then_one_warning_then_silence_until_the_window_passes() -> None:
    now = [0.0]
    throttle = Throttle(3, 10.0, now=lambda: now[0])
    assert [throttle.check(1) for _ in range(3)] == [Verdict.ok] * 3
    assert throttle.check(1) is Verdict.warn
    assert [throttle.check(1) for _ in range(30)] == [Verdict.drop] * 30
    assert throttle.check(2) is Verdict.ok, "other users are not affected"
    now[0] = 10.5
    assert throttle.check(1) is Verdict.ok, "the window has room again"


def test_zero_means_off() -> None:
    throttle = Throttle(0, 10.0)
    assert all(throttle.check(1) is Verdict.ok for _ in range(100))
