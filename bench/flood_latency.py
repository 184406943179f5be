"""B's wait while A's chat is flooded: our PerChatRateLimiter against PTB's AIORateLimiter.

Usage: ``python -m bench.flood_latency [--runs 3]``

The real PTB ExtBot against the emulator enforcing Telegram's limits (1 message/s to a
private chat, 429 with retry_after beyond): 10 messages to A's chat at once, then one to
B's. Prints B's latency (send → answer) per limiter, median of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from telegram.ext import AIORateLimiter

from bot.ratelimit import PerChatRateLimiter
from emulator import Emulator
from tests.e2e.test_ratelimit import b_latency


async def run(runs: int) -> None:
    makers = {
        "PerChatRateLimiter (ours)": lambda: PerChatRateLimiter(max_retries=12),
        "PTB AIORateLimiter": lambda: AIORateLimiter(max_retries=12),
    }
    for name, make in makers.items():
        latencies = []
        for _ in range(runs):
            emulator = await Emulator(enforce_flood=True).start()
            try:
                latency, _ = await b_latency(emulator, make())
            finally:
                await emulator.stop()
            latencies.append(latency)
        print(
            f"{name:28s} B's latency while A floods: median {statistics.median(latencies):.3f} s"
            f" (runs: {', '.join(f'{x:.3f}' for x in latencies)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
