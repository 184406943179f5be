"""Restart mid-flow: the bot stops while a volunteer is half-way through /dangky; a new
Application on the same database (PTB persistence in ``bot_state``) picks up at the same
step, with what was typed before the restart kept."""

from __future__ import annotations

from bot.app import start_polling, stop_polling
from bot.clock import ManualClock
from bot.context import BotApplication, Services
from bot.db.engine import Database
from bot.settings import Settings
from emulator import Emulator
from handlers import volunteers
from kl44 import build_application
from tests.db.volunteers.helpers import open_edition, seed_agencies
from tests.e2e.volunteers.test_volunteers import open_form, registrations
from tests.harness import shared_knowledge


async def start_bot(emulator: Emulator, db_url: str, clock: ManualClock) -> BotApplication:
    config = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=emulator.token,
        telegram_base_url=emulator.base_url,
        database_url=db_url,
        rate_limit=False,
    )
    kb, engine = shared_knowledge()
    services = Services(settings=config, engine=engine, kb=kb, clock=clock)
    application = build_application(config, services=services, areas=[volunteers.register])
    await start_polling(application, poll_timeout=5)
    await emulator.wait_polling()
    return application


async def test_registration_survives_a_restart(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    await seed_agencies(database.session_factory, clock.now())
    eid = await open_edition(database.session_factory, clock.now())
    emulator = await Emulator().start()
    application = None
    try:
        application = await start_bot(emulator, db_url, clock)
        assert application.persistence is not None  # the database persistence is in use
        lan = emulator.private_chat(None, "Lan")
        await open_form(lan)
        await lan.send("Nguyễn Thị Lan")
        await lan.reply()
        await lan.send("0912 345 678")
        assert "Bước 3/6" in (await lan.reply()).text

        await stop_polling(application)  # the bot goes down mid-flow…
        application = None
        application = await start_bot(emulator, db_url, clock)  # …and a new one comes up

        await lan.send("Phường Tân Phong")  # the commune: the dialogue resumes at step 3
        assert "Bước 4/6" in (await lan.reply()).text
        await lan.send("Thành phố Lai Châu")
        await lan.reply()
        await lan.press("Xong")
        await lan.edit()
        await lan.reply()
        await lan.press("Tôi đồng ý")
        await lan.edit()
        summary = await lan.reply()
        assert "Họ tên: Nguyễn Thị Lan" in summary.text  # typed before the restart
        assert "Điện thoại: 0912 345 678" in summary.text
        await lan.press("Xác nhận")
        assert "đăng ký thành công" in (await lan.edit()).text
    finally:
        if application is not None:
            await stop_polling(application)
        await emulator.stop()
    [row] = await registrations(database)
    assert (row.edition_id, row.full_name, row.phone) == (eid, "Nguyễn Thị Lan", "+84912345678")
