"""One user floods, another asks: the other's reply latency (issue 12, item 2).

Usage: ``python -m bench.flood_latency [--messages 40]``

The whole bot through the emulator with Telegram's limits enforced (1 message/s to a
private chat, 429 + retry_after beyond). User A sends ``--messages`` questions at once,
then user B one; printed: B's latency (B sends → B's answer arrives) and what A got.

Configurations: before (PTB's AIORateLimiter, no throttle), then the bot as it is (the
per-user throttle, THROTTLE_MESSAGES=20 per 30 s, and PerChatRateLimiter), with
CONCURRENT_UPDATES=1 (the default: PTB handles updates one after another) and 4.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from telegram.ext import AIORateLimiter

from tests.harness import BotHarness

QUESTION = "ai chu tri ra soat luat hoat dong chu thap do"


async def measure(messages: int, settings: dict[str, Any], ptb_limiter: bool) -> str:
    async with BotHarness.start(enforce_flood=True, rate_limit=True, settings=settings) as bot:
        if ptb_limiter:  # the limiter the bot used before, for comparison
            bot.application.bot._rate_limiter = AIORateLimiter(max_retries=3)
        a, b = bot.chat(first_name="A"), bot.chat(first_name="B")
        for i in range(messages):
            await a.send(f"{QUESTION} {i}")
        start = time.perf_counter()
        await b.send(QUESTION)
        await b.reply(timeout=600)
        latency = time.perf_counter() - start
        answered = len(bot.emulator.stats.sent.get(a.chat_id, []))
        return f"B waited {latency:6.2f} s; A had {answered:2d} messages by then"


async def run(messages: int) -> None:
    throttle = {"throttle_messages": 20, "throttle_seconds": 30}
    configs = [
        ("before: AIORateLimiter, no throttle, 1 at a time", {"throttle_messages": 0}, True),
        ("now: throttle + PerChatRateLimiter, 1 at a time", throttle, False),
        ("now, CONCURRENT_UPDATES=4", {**throttle, "concurrent_updates": 4}, False),
    ]
    print(f"user A sends {messages} questions at once, then user B asks one")
    for name, settings, ptb in configs:
        print(f"{name:52s} {await measure(messages, settings, ptb)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=40)
    asyncio.run(run(parser.parse_args().messages))


if __name__ == "__main__":
    main()
