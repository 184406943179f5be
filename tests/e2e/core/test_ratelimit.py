"""One chat's flood limit (429 retry_after) must not delay the other chats.

The real PTB ExtBot against the emulator enforcing Telegram's limits (1 message per second
to a private chat): user A's chat is sent 10 messages at once, B's one message meanwhile.
PTB's AIORateLimiter pauses every request on A's 429s; ours pauses only A's chat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.ratelimit import PerChatRateLimiter
from emulator import Emulator


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = await Emulator(enforce_flood=True).start()
    try:
        yield emu
    finally:
        await emu.stop()


async def b_latency(emulator: Emulator, limiter: BaseRateLimiter) -> tuple[float, int]:
    """Seconds B waits for its message while A's chat is flooded; messages A received."""
    a = emulator.private_chat(first_name="A").chat_id
    b = emulator.private_chat(first_name="B").chat_id
    request = HTTPXRequest(connection_pool_size=32)
    async with ExtBot(
        emulator.token, base_url=emulator.base_url, request=request, rate_limiter=limiter
    ) as bot:
        flood = [asyncio.create_task(bot.send_message(a, f"a{i}")) for i in range(10)]
        await asyncio.sleep(0.3)  # A's 429s have started
        start = time.perf_counter()
        await bot.send_message(b, "b")
        latency = time.perf_counter() - start
        await asyncio.gather(*flood, return_exceptions=True)
    return latency, len(emulator.state.bot_messages.get(a, []))


async def test_one_chats_429_does_not_delay_another_chat(emulator: Emulator) -> None:
    _, delivered = await b_latency(emulator, PerChatRateLimiter(max_retries=12))
    assert delivered == 10, "A's messages all arrive, one per second"
    [b_arrived] = emulator.stats.sent[max(emulator.stats.sent)]
    a_arrivals = emulator.stats.sent[min(emulator.stats.sent)]
    # B's message is not held behind A's retry_after: it arrives before A's second one
    # (with PTB's AIORateLimiter it arrives after it: every chat waits A's retry_after)
    assert b_arrived < a_arrivals[1]
