"""Commands that show member lists, join codes, curators' questions or personal data answer
in a group only that they are for a private chat, and show nothing else there."""

from __future__ import annotations

from emulator import ChatHandle
from tests.harness import BotHarness

ADMIN = 4242
BOT = "@kl44_test_bot"
PRIVATE_ONLY = "Hãy dùng lệnh này trong tin nhắn riêng với bot."


async def test_private_commands_show_nothing_in_a_group() -> None:
    async with BotHarness.start(admin_ids={ADMIN}) as bot:
        member = bot.emulator.group_chat("Tổ công tác KL44", members=1)[0]
        admin = ChatHandle(
            bot.emulator.state,
            bot.emulator.state.chats[member.chat_id],
            bot.emulator.add_user(ADMIN, "Quản trị"),
        )
        for command in (
            "/macode Bộ Nội vụ",
            "/thanhvien Bộ Nội vụ",
            "/chuatraloi",
            "/dulieucuatoi",
            "/xoathanhvien 12 Bộ Nội vụ",
            "/dieuphoi",
            "/xoahoso",
        ):
            name, _, argument = command.partition(" ")
            await admin.send(f"{name}{BOT} {argument}".strip())
            reply = await admin.reply()
            assert reply.text == PRIVATE_ONLY, command
            assert reply.document is None and not reply.buttons
        member.skip_all()  # the replies to the admin, read above
        await member.send(f"/dulieucuatoi{BOT}")
        assert (await member.reply()).text == PRIVATE_ONLY
        assert len(admin.sent) == 8  # nothing else reached the group

        # In a private chat the same commands work as before.
        private = bot.chat(ADMIN)
        await private.send("/macode Bộ Nội vụ")
        assert "/thamgia" in (await private.reply()).text
