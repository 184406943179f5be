"""Follow-ups in chat (issue 10): "còn phối hợp?", "thế còn Bộ Tài chính?" are read against
the chat's last answer, kept per chat for 30 minutes; time questions use the bot's clock."""

from __future__ import annotations

import datetime as dt

from bot.clock import VN_TZ, ManualClock
from tests.harness import BotHarness


async def test_follow_ups_resolve_against_the_last_answer() -> None:
    clock = ManualClock(dt.datetime(2023, 12, 1, 9, 0, tzinfo=VN_TZ))
    async with BotHarness.start(clock=clock) as bot:
        lan = bot.chat()
        await lan.send("ai chủ trì rà soát luật chữ thập đỏ?")
        first = await lan.reply()
        assert first.text.startswith("Chủ trì: Bộ Nội vụ")

        await lan.send("còn phối hợp?")
        coordinate = await lan.reply()
        assert coordinate.text.startswith("Phối hợp:") and "Bộ Tư pháp" in coordinate.text

        await lan.send("đã quá hạn chưa?")  # as of the bot's clock: 1 December 2023
        status = await lan.reply()
        assert status.text.startswith("Chưa đến hạn: còn 30 ngày")

        # Another chat has its own last answer: the same words mean nothing there.
        binh = bot.chat()
        await binh.send("còn phối hợp?")
        assert "Bộ Tư pháp" not in (await binh.reply()).text

        await lan.send("Bộ Nội vụ chủ trì mấy nhiệm vụ trong phụ lục?")
        assert "4 nhiệm vụ" in (await lan.reply()).text
        await lan.send("thế còn Bộ Tài chính?")
        other = await lan.reply()
        assert "1 nhiệm vụ do Bộ Tài chính chủ trì" in other.text

        clock.advance(minutes=31)  # the last answer is no longer what "còn …" refers to
        await lan.send("còn phối hợp?")
        late = await lan.reply()
        assert "Bộ Tài chính" not in late.text and "4 nhiệm vụ" not in late.text


async def test_the_last_answer_survives_a_restart(database, db_url: str, clock) -> None:
    """chat_data is persisted in the database: a new Application on it still reads
    "còn phối hợp?" against the answer given before the restart."""
    from bot.app import start_polling, stop_polling
    from bot.context import Services
    from bot.settings import Settings
    from emulator import Emulator
    from kl44 import build_application
    from tests.harness import shared_knowledge

    async def start(emulator: Emulator):
        config = Settings(  # type: ignore[call-arg]  # pydantic-settings takes _env_file
            _env_file=None,
            telegram_bot_token=emulator.token,
            telegram_base_url=emulator.base_url,
            database_url=db_url,
            rate_limit=False,
        )
        kb, engine = shared_knowledge()
        services = Services(settings=config, engine=engine, kb=kb, clock=clock)
        application = build_application(config, services=services, areas=[])
        await start_polling(application, poll_timeout=5)
        await emulator.wait_polling()
        return application

    emulator = await Emulator().start()
    application = None
    try:
        application = await start(emulator)
        assert application.persistence is not None
        lan = emulator.private_chat(None, "Lan")
        await lan.send("ai chủ trì rà soát luật chữ thập đỏ?")
        assert "Bộ Nội vụ" in (await lan.reply()).text
        await stop_polling(application)
        application = None
        application = await start(emulator)
        await lan.send("còn phối hợp?")
        after = await lan.reply()
        assert after.text.startswith("Phối hợp:") and "Bộ Tư pháp" in after.text
    finally:
        if application is not None:
            await stop_polling(application)
        await emulator.stop()
