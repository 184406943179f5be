"""/start tells a first-time admin what to do next, each step a button that starts it."""

from __future__ import annotations

from bot.db.engine import Database
from tests.harness import BotHarness

ADMIN = 1001
LAN = 2001


async def test_first_time_admin_gets_next_steps_as_buttons(database: Database, db_url: str) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url) as bot:
        lan = bot.chat(user_id=LAN, first_name="Lan")
        await lan.send("/start")
        await lan.reply()
        assert not [m for m in lan.sent if "Việc cần làm tiếp" in m.text]

        admin = bot.chat(user_id=ADMIN, first_name="Quang")
        await admin.send("/start")
        await admin.reply()  # the welcome
        steps = await admin.reply()
        assert "Việc cần làm tiếp" in steps.text
        assert steps.labels == [
            "👥 Giao điều phối viên",
            "🔑 Cấp mã tham gia",
            "📣 Mở chiến dịch",
        ]
        await admin.press("👥 Giao điều phối viên", steps)
        assert "/dieuphoi them" in (await admin.reply()).text
        await admin.press("🔑 Cấp mã tham gia", steps)
        assert "/macode" in (await admin.reply()).text
        await admin.press("📣 Mở chiến dịch", steps)
        opened = await admin.reply()
        assert opened.labels  # the campaign form's first step: which campaign

        # once a coordinator is granted, /start is the plain welcome again
        await admin.send("/dieuphoi them 3001 tatca")
        await admin.reply()
        await admin.send("/start")
        assert "Xin chào Quang!" in (await admin.reply()).text
        await admin.send("/help")  # the next message is /help's, not the steps again
        assert "Việc cần làm tiếp" not in (await admin.reply()).text
