"""In a group the bot answers commands (also /cmd@botname) and leaves chatter alone."""

from __future__ import annotations

from tests.harness import BotHarness


async def test_group_commands_and_chatter(bot: BotHarness) -> None:
    lan, minh = bot.emulator.group_chat("Tổ công tác KL44", members=2)
    await lan.send("/hoi@kl44_test_bot ai chu tri ra soat luat hoat dong chu thap do")
    answer = await lan.reply()
    assert answer.chat_id == lan.chat_id < 0
    assert "Chủ trì: Bộ Nội vụ" in answer.text

    await minh.send("chào cả nhà, họp lúc 2 giờ nhé")  # chatter: no answer
    await minh.send("/coquan@kl44_test_bot BNV")
    await lan.send("/help@kl44_test_bot")
    # updates are handled in order, so an answer to the chatter would come first
    assert (await lan.reply()).text.startswith("Bộ Nội vụ có ")
    assert (await lan.reply()).text.startswith("Cách dùng")
    assert len(lan.sent) == 3
    assert not bot.emulator.state.bot_messages.get(lan.user.id)  # nothing sent privately
