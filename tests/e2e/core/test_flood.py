"""One user flooding the bot does not stall another user (issue 12, item 2).

The whole bot with Telegram's limits enforced by the emulator (1 message per second to a
private chat, 429 beyond) and the bot's own rate limiter: A sends 40 questions at once,
then B asks one. A is answered up to the throttle, told once to slow down, then not
answered; B's answer goes out without waiting for A's backlog or A's 429s.

With CONCURRENT_UPDATES=1 (the default) PTB handles updates strictly one after another,
so B still waits for A's answered questions (about THROTTLE_MESSAGES seconds, paced by
A's per-chat limit); bench/flood_latency.py measures both.
"""

from __future__ import annotations

import asyncio

from tests.harness import BotHarness

QUESTION = "ai chu tri ra soat luat hoat dong chu thap do"
LIMIT = 5


async def flood_then_ask(bot: BotHarness, count: int = 40) -> tuple[float, list[float]]:
    """A sends ``count`` questions, then B one; B's answer's arrival time and A's."""
    a = bot.chat(first_name="A")
    b = bot.chat(first_name="B")
    for i in range(count):
        await a.send(f"{QUESTION} {i}")
    await b.send(QUESTION)
    answer = await b.reply(timeout=60)
    assert "Bộ Nội vụ" in answer.text
    stats = bot.emulator.stats
    [b_at] = stats.sent[b.chat_id]
    await asyncio.sleep(LIMIT + 1.5)  # A's answered questions are paced at 1 per second
    return b_at, list(stats.sent.get(a.chat_id, []))


async def test_a_flooding_user_is_throttled_and_does_not_stall_another() -> None:
    async with BotHarness.start(
        enforce_flood=True,
        rate_limit=True,
        settings={"throttle_messages": LIMIT, "throttle_seconds": 60, "concurrent_updates": 4},
    ) as bot:
        b_at, a_times = await flood_then_ask(bot)
        a_texts = [
            m.view()["text"]
            for chat, ms in bot.emulator.state.bot_messages.items()
            for m in ms
            if chat != max(bot.emulator.state.bot_messages)
        ]
        slow_down = [t for t in a_texts if "chậm lại một chút" in t]
        assert len(slow_down) == 1, "told once, then silence"
        assert len(a_times) == LIMIT + 1, "LIMIT answers and the one note; the rest dropped"
        # B did not wait for A's backlog: its answer arrived before A's second one
        assert b_at < a_times[1]
        assert bot.emulator.stats.enforced_violations == [] or all(
            v.chat_id != max(bot.emulator.state.bot_messages)
            for v in bot.emulator.stats.enforced_violations
        )
