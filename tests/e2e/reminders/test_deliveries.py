"""/loigui: admins see the deliveries the bot gave up on (after hours of retries)."""

from __future__ import annotations

from sqlalchemy import update

from bot.db.engine import write_session
from bot.db.models_scheduler import OutboxMessage
from scheduler.outbox import Outgoing, enqueue
from tests.harness import BotHarness

ADMIN = 4343


async def test_admins_see_failed_deliveries_and_only_admins() -> None:
    async with BotHarness.start(admin_ids={ADMIN}) as bot:
        admin = bot.chat(user_id=ADMIN, first_name="Admin")
        officer = bot.chat(first_name="Lan")
        await admin.send("/loigui")
        assert "Không có tin nhắn nào gửi thất bại" in (await admin.reply()).text

        now = bot.services.clock.now()
        async with write_session(bot.services.db.session_factory) as s:
            await enqueue(
                s,
                [Outgoing(f"r:{i}", 9000 + i, "reminder", "Còn 7 ngày", now) for i in range(2)],
                now,
            )
            await s.execute(update(OutboxMessage).values(status="failed", last_error="Bad Gateway"))
        await admin.send("/loigui")
        listing = (await admin.reply()).text
        assert "reminder: 2" in listing and "Bad Gateway" in listing
        assert "9000" not in listing and "Còn 7 ngày" not in listing  # no recipient, no text

        await officer.send("/loigui")
        assert "Chỉ quản trị viên" in (await officer.reply()).text
