"""/coquan with the names of today (issue 10 §3), through the real bot and the emulator."""

from __future__ import annotations

from tests.harness import BotHarness


async def test_coquan_by_todays_name_shows_the_printed_body_and_today(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/coquan Bo KH&CN")
    reply = await lan.reply()
    assert reply.text.startswith("Bộ Thông tin và Truyền thông ")
    assert "Tăng cường quản lý cơ quan báo chí thuộc Hội" in reply.text
    assert "Hiện nay: Bộ Thông tin và Truyền thông đã hợp nhất vào Bộ Khoa học và Công nghệ" in (
        reply.text
    )


async def test_agency_buttons_show_todays_name_beside_the_printed_one(bot: BotHarness) -> None:
    lan = bot.chat()
    await lan.send("/coquan Ban Dân vận TW và Ban Dân vận Quận ủy")
    choices = await lan.reply()
    labels = choices.labels
    assert len(labels) == 2, choices.text
    assert labels[0].startswith("Ban Dân vận Trung ương — nay: Ban Tuyên giáo"), labels
    assert labels[1] == "Ban Dân vận Quận ủy — không còn hoạt động", labels
