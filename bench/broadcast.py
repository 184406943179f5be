"""Broadcast to 1,000 chats through the local Bot API emulator, flood limits enforced.

Usage: ``python -m bench.broadcast [--chats 1000] [--skip-ptb]``

Runs, in one process and one emulator setup each:

1. **outbox** - the bot's delivery path (``scheduler.delivery``): messages queued in the
   database (SQLite file), drained by the ``Deliverer`` through the real PTB ``Bot``
   with our ``FloodLimiter``;
2. **ptb-aiolimiter** - for comparison, PTB's own ``AIORateLimiter`` on an ``ExtBot``
   sending the same messages directly (no queue).

The emulator enforces Telegram's limits (30/s overall, 1/s per chat, 20/min per group)
and answers 429 when one is broken; every such answer is a violation. Budget: 0
violations and >= 25 messages/s sustained.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from collections import Counter
from pathlib import Path

from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import write_session
from bot.db.migrate import open_database
from emulator import Emulator
from handlers.sender import TelegramSender
from scheduler.delivery import Deliverer
from scheduler.outbox import Outgoing, enqueue

NOW = dt.datetime(2027, 3, 3, 9, 0, tzinfo=VN_TZ)
TEXT = "⏰ <b>Còn 7 ngày đến hạn</b>\nBáo cáo sơ kết 5 năm thực hiện Kết luận 44-KL/TW"


def _report(name: str, sent: int, elapsed: float, emulator: Emulator) -> dict[str, float]:
    violations = len(emulator.stats.violations)
    rules = Counter(v.rule for v in emulator.stats.violations)
    rate = sent / elapsed if elapsed else 0.0
    ok = violations == 0 and rate >= 25
    print(
        f"{name:16} sent {sent:5d} in {elapsed:6.1f} s = {rate:5.1f} msg/s, "
        f"flood violations {violations:3d} {dict(rules) if rules else ''}, "
        f"429 answers {emulator.stats.errors.get(429, 0):3d}  "
        f"{'OK' if ok else 'FAILS BUDGET'}"
    )
    return {"sent": sent, "elapsed": elapsed, "rate": rate, "violations": violations}


async def run_outbox(chats: int) -> dict[str, float]:
    async with Emulator(enforce_flood=True) as emulator:
        ids = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(chats)]
        with tempfile.TemporaryDirectory() as tmp:
            db = await open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
            try:
                async with write_session(db.session_factory) as s:
                    await enqueue(s, [Outgoing(f"b:{c}", c, "bench", TEXT, NOW) for c in ids], NOW)
                request = HTTPXRequest(connection_pool_size=64)
                async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
                    deliverer = Deliverer(db.session_factory, TelegramSender(bot), ManualClock(NOW))
                    start = time.perf_counter()
                    report = await deliverer.drain()
                    elapsed = time.perf_counter() - start
            finally:
                await db.dispose()
        assert report.sent == chats, report
        return _report("outbox+limiter", report.sent, elapsed, emulator)


async def run_ptb(chats: int) -> dict[str, float]:
    async with Emulator(enforce_flood=True) as emulator:
        ids = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(chats)]
        request = HTTPXRequest(connection_pool_size=64)
        bot = ExtBot(
            emulator.token,
            base_url=emulator.base_url,
            request=request,
            rate_limiter=AIORateLimiter(max_retries=5),
        )
        async with bot:
            start = time.perf_counter()
            results = await asyncio.gather(
                *(bot.send_message(c, TEXT) for c in ids), return_exceptions=True
            )
            elapsed = time.perf_counter() - start
        sent = sum(1 for r in results if not isinstance(r, BaseException))
        return _report("ptb-aiolimiter", sent, elapsed, emulator)


async def main(chats: int, skip_ptb: bool) -> int:
    print(f"broadcast to {chats} private chats, emulator enforcing flood limits")
    ours = await run_outbox(chats)
    if not skip_ptb:
        theirs = await run_ptb(chats)
        if theirs["rate"]:
            print(f"ratio outbox/ptb-aiolimiter throughput: {ours['rate'] / theirs['rate']:.2f}")
    return 0 if ours["violations"] == 0 and ours["rate"] >= 25 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--skip-ptb", action="store_true")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.chats, args.skip_ptb)))
