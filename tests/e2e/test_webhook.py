"""Webhook mode (WEBHOOK_URL set): the emulator POSTs updates to the bot's web server."""

from __future__ import annotations

import httpx

from tests.harness import BotHarness


async def test_webhook_mode_answers_like_polling() -> None:
    async with BotHarness.start(webhook=True) as bot:
        info = bot.emulator.state.webhook
        assert info["url"] == bot.settings.webhook_url
        assert info["secret_token"] == bot.settings.webhook_secret.get_secret_value()
        assert bot.emulator.stats.requests["getUpdates"] == 0

        lan = bot.chat()
        await lan.send("ai chu tri ra soat luat hoat dong chu thap do")
        answer = await lan.reply()
        assert "Chủ trì: Bộ Nội vụ" in answer.text
        await lan.press("Thời hạn", answer)
        assert (await lan.reply()).text.startswith("Thời hạn:")
        assert bot.emulator.webhook_deliveries == 2

        # a POST without the secret is refused by the bot's web server
        async with httpx.AsyncClient() as http:
            forged = await http.post(bot.settings.webhook_url, json={"update_id": 999})
        assert forged.status_code == 403
