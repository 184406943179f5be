"""/thamgia: after too many wrong codes the officer is told to wait, politely."""

from __future__ import annotations

from bot.membership import MAX_FAILED_ATTEMPTS
from tests.harness import BotHarness


async def test_wrong_codes_then_a_wait(bot: BotHarness) -> None:
    lan = bot.chat()
    for _ in range(MAX_FAILED_ATTEMPTS):
        await lan.send("/thamgia ZZZZ-ZZZZ")
        assert "không hợp lệ" in (await lan.reply()).text
    await lan.send("/thamgia ZZZZ-ZZZ2")
    assert (await lan.reply()).text == (
        "Bạn đã nhập sai mã tham gia quá nhiều lần. Vui lòng thử lại sau 15 phút."
    )
