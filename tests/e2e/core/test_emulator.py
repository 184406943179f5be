"""The emulator speaks the Bot API over HTTP: JSON, form and multipart bodies, files, 429s."""

from __future__ import annotations

import json

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter

from emulator import Emulator, FloodLimits, Rate
from emulator.media import tiny_png


@pytest.fixture
async def emulator():
    async with Emulator() as emu:
        yield emu


async def test_json_form_and_query_bodies(emulator: Emulator) -> None:
    chat = emulator.private_chat()
    url = f"{emulator.base_url}{emulator.token}"
    async with httpx.AsyncClient() as http:
        me = (await http.get(f"{url}/getMe")).json()
        assert me["ok"] and me["result"]["is_bot"]
        sent = await http.post(
            f"{url}/sendMessage",
            json={"chat_id": chat.chat_id, "text": "<b>một</b>", "parse_mode": "HTML"},
        )
        assert sent.json()["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
        form = await http.post(
            f"{url}/sendMessage",
            data={
                "chat_id": str(chat.chat_id),
                "text": "hai",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
                ),
            },
        )
        assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "OK"
        query = await http.get(f"{url}/sendMessage", params={"chat_id": chat.chat_id, "text": "ba"})
        assert query.json()["ok"]
        bad = await http.post(
            f"{url}/sendMessage",
            json={"chat_id": chat.chat_id, "text": "<b>x", "parse_mode": "HTML"},
        )
        assert bad.status_code == 400
        assert bad.json()["description"].startswith("Bad Request: can't parse entities")
        wrong = await http.get(f"{emulator.base_url}123:wrong/getMe")
        assert wrong.status_code == 401
    assert [r.text for r in await chat.replies(3)] == ["một", "hai", "ba"]


async def test_multipart_upload_and_file_download(emulator: Emulator) -> None:
    chat = emulator.private_chat()
    bot = Bot(emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url)
    async with bot:
        await bot.send_document(chat.chat_id, b"a,b\n1,2\n", filename="bao-cao.csv", caption="CSV")
        await bot.send_photo(chat.chat_id, tiny_png(3, 2))
        document = await chat.reply()
        photo = await chat.reply()
        assert document.document["file_name"] == "bao-cao.csv" and document.text == "CSV"
        assert emulator.file_bytes(document.document["file_id"]) == b"a,b\n1,2\n"
        assert (photo.photo[0]["width"], photo.photo[0]["height"]) == (3, 2)
        file = await bot.get_file(document.document["file_id"])
        assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"


async def test_errors_map_to_ptb_exceptions(emulator: Emulator) -> None:
    chat = emulator.private_chat()
    bot = Bot(emulator.token, base_url=emulator.base_url)
    async with bot:
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(chat.chat_id, " ")
        with pytest.raises(BadRequest, match=r"(?i)too long"):
            await bot.send_message(chat.chat_id, "😀" * 2049)  # 4,098 UTF-16 units
        await bot.send_message(chat.chat_id, "😀" * 2048)
        emulator.block(chat.chat_id)
        with pytest.raises(Forbidden):
            await bot.send_message(chat.chat_id, "hi")


async def test_flood_limits_are_enforced_when_asked() -> None:
    limits = FloodLimits(overall=Rate(30, 1.0), private_chat=Rate(1, 1.0), group_chat=Rate(20, 60))
    async with Emulator(flood_limits=limits, enforce_flood=True) as emulator:
        emulator.flood.clock = lambda: 1000.0  # time stands still: the windows are exact
        chat = emulator.private_chat()
        group = emulator.group_chat()[0]
        others = [emulator.private_chat() for _ in range(31)]
        bot = Bot(emulator.token, base_url=emulator.base_url)
        async with bot:
            await bot.send_message(chat.chat_id, "1")
            with pytest.raises(RetryAfter):
                await bot.send_message(chat.chat_id, "2")  # 1 per second per chat
            for i in range(20):
                await bot.send_message(group.chat_id, f"g{i}")
            with pytest.raises(RetryAfter):
                await bot.send_message(group.chat_id, "g20")  # 20 per minute per group
            with pytest.raises(RetryAfter):  # 30 per second overall (21 sent so far)
                for other in others:
                    await bot.send_message(other.chat_id, "x")
        violations = [(v.rule, v.retry_after) for v in emulator.stats.violations]
        assert violations == [("private_chat", 1), ("group_chat", 60), ("overall", 1)]
        assert emulator.stats.errors[429] == 3
        assert emulator.stats.total_sent == 30


async def test_long_polling_returns_as_soon_as_a_user_writes(emulator: Emulator) -> None:
    chat = emulator.private_chat()
    bot = Bot(emulator.token, base_url=emulator.base_url)
    async with bot:
        import asyncio

        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await emulator.wait_polling()
        await chat.send("/start")
        updates = await asyncio.wait_for(poll, 5)
        assert updates[0].message.text == "/start"
        assert updates[0].message.entities[0].type == "bot_command"
        again = await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
        assert again == ()
