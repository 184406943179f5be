"""Issue 12 #10: /tiendo shows authors' names and notes only for the viewer's own agencies
(and a coordinator's scope, an admin's everything); other agencies' rows show their
status without who wrote it or what they noted."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.db.engine import Database
from tests.e2e.progress.test_progress import ADMIN, HUNG, LAN, _join
from tests.harness import BotHarness


async def test_other_agencies_progress_shows_status_without_names(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    async with BotHarness.start(admin_ids={ADMIN}, database_url=db_url, clock=clock) as bot:
        lan = await _join(bot, LAN, "Lan", "Bộ Nội vụ")
        hung = await _join(bot, HUNG, "Hùng", "Bộ Tài chính")
        await lan.send("/capnhat II.2 60% đã gửi dự thảo cho anh Tuấn 0912345678")
        await lan.reply_containing("60%")

        await lan.send("/tiendo II.2")
        own = (await lan.reply()).text
        assert "Đang thực hiện 60%" in own and "Lan" in own  # her own agency

        await hung.send("/tiendo II.2")
        other = (await hung.reply()).text
        assert "Bộ Nội vụ" in other and "Đang thực hiện 60%" in other  # the status
        assert "Lan" not in other and "0912345678" not in other and "Tuấn" not in other
        await hung.send("/tiendo Bộ Nội vụ")
        other = (await hung.reply()).text
        assert "Đang thực hiện 60%" in other and "Lan" not in other

        admin = bot.chat(user_id=ADMIN, first_name="Admin")
        admin.skip_all()
        await admin.send("/tiendo II.2")
        assert "Lan" in (await admin.reply()).text  # admins see everything
