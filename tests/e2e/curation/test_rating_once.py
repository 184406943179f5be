"""A 👍/👎 counts only for an answer the bot really sent to that chat, and only once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.engine import Database, read_session
from bot.db.models_curation import AnswerRating
from handlers import curation
from tests.harness import BotHarness, with_database

ANSWERED = "ai chu tri ra soat luat hoat dong chu thap do"
BOT = "@kl44_test_bot"
THANKS = "Cảm ơn bạn đã góp ý!"


async def ratings(database: Database) -> int:
    async with read_session(database.session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(AnswerRating)) or 0)


async def test_forged_and_repeated_ratings_do_not_count(database: Database) -> None:
    async with BotHarness.start(areas=[with_database(database), curation.register]) as bot:
        lan = bot.chat()
        await lan.send(ANSWERED)
        answer = await lan.reply()
        up = answer.button("👍").callback_data or ""
        # A token the bot never put under an answer, on a real answer of this chat.
        forged = ":".join([*up.split(":")[:2], "AAAAAAAA", up.split(":")[3]])
        lan.press_data(forged, answer)
        assert (await lan.callback_answer())["text"] != THANKS
        assert await ratings(database) == 0

        # In a group, the first rating of an answer counts; the next one does not.
        first, second = bot.emulator.group_chat("Tổ công tác", members=2)
        await first.send(f"/hoi{BOT} {ANSWERED}")
        group_answer = await first.reply()
        await first.press("👍", group_answer)
        assert (await first.callback_answer())["text"] == THANKS
        second.press_data(group_answer.button("👎").callback_data or "", group_answer)
        assert (await second.callback_answer())["text"] != THANKS
        assert await ratings(database) == 1
