"""Names, phone numbers and places never reach the logs, whatever the log level."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.campaigns.reports import export_csv
from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, write_session
from bot.logs import configure_logging
from bot.volunteers.registrations import cancel_registration, erase_personal_data, register
from handlers import volunteers
from tests.db.volunteers.helpers import COORDINATOR, form, open_edition, seed_agencies
from tests.harness import BotHarness, with_database

SECRET_NAME = "Phạm Thị Bí Mật"
SECRET_PHONE = "0987654321"
SECRET_PLACE = "Xã Nậm Loỏng Kín"


@pytest.fixture
def debug_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The bot's own logging set-up at DEBUG, with pytest's capture handler on the root."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging("DEBUG")
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield caplog
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


async def test_personal_data_not_logged(
    database: Database, clock: ManualClock, debug_logging: pytest.LogCaptureFixture
) -> None:
    caplog = debug_logging
    sf = database.session_factory
    now = clock.now()
    await seed_agencies(sf, now)
    eid = await open_edition(sf, now, capacity=1)
    personal = form(full_name=SECRET_NAME, phone=SECRET_PHONE, commune=SECRET_PLACE)
    async with write_session(sf) as s:
        await register(s, eid, 1, form(3), now=now)
        waiting = await register(s, eid, 2, personal, now=now, accept_waitlist=True)
    async with write_session(sf) as s:
        reg = waiting.registration
        assert reg is not None
        await export_csv(s, eid, actor_id=COORDINATOR, now=now, tz=VN_TZ)
        mine = await cancel_registration(s, reg.id - 1, 1, now=now)
        assert [r.user_id for r in mine.promoted] == [2]
        await erase_personal_data(s, 2, now=now)
    messages = [r.getMessage() for r in caplog.records]
    assert any("registration" in m for m in messages), "the domain logs its events"
    text = "\n".join(messages)
    for secret in (SECRET_NAME, SECRET_PHONE, "+84987654321", SECRET_PLACE, "Nậm Loỏng"):
        assert secret not in text


# -- end to end: a registration whose final write fails, at DEBUG ---------------------------

CAMPAIGN = "Hiến máu tình nguyện — đợt 1"
SECRET_DISTRICT = "Huyện Kín Đáo"
SECRET_FIRST_NAME = "Giấu"


@pytest.fixture
def bot_log() -> Iterator[io.StringIO]:
    """Exactly what the bot writes to its log at DEBUG (its own handler and filters)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    try:
        yield out
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


async def _break_registrations(database: Database) -> None:
    """The registrations table disappears: the next INSERT into it fails."""
    async with database.engine.begin() as conn:
        await conn.execute(
            text("ALTER TABLE volunteer_registrations RENAME TO volunteer_registrations_gone")
        )


async def test_failing_registration_at_debug_logs_no_personal_data(
    database: Database, db_url: str, clock: ManualClock, bot_log: io.StringIO
) -> None:
    await seed_agencies(database.session_factory, clock.now())
    await open_edition(database.session_factory, clock.now(), capacity=30)
    async with BotHarness.start(
        clock=clock,
        database_url=db_url,
        areas=[with_database(database), volunteers.register],
    ) as bot:
        lan = bot.chat(first_name=SECRET_FIRST_NAME)
        await lan.send("/dangky")
        await lan.reply()
        await lan.press(CAMPAIGN)
        await lan.edit()
        await lan.reply()
        for answer in (SECRET_NAME, SECRET_PHONE, SECRET_PLACE, SECRET_DISTRICT):
            await lan.send(answer)
            await lan.reply()
        await lan.press("Hiến máu")
        await lan.edit()
        await lan.press("Xong")
        await lan.edit()
        await lan.reply()  # blood group
        await lan.press("AB-")
        await lan.edit()
        await lan.reply()  # consent
        await lan.press("Tôi đồng ý")
        await lan.edit()
        summary = await lan.reply()
        assert SECRET_PLACE in summary.text and "AB-" in summary.text
        await _break_registrations(database)
        await lan.press("Xác nhận")
        apology = await lan.reply()
        assert "Xin lỗi" in apology.text and "volunteer_registrations" not in apology.text
    log_text = bot_log.getvalue()
    assert "Processing update" in log_text, "the log ran at DEBUG"
    assert "volunteer_registrations" in log_text, "the database error was logged"
    for secret in (
        SECRET_NAME,
        SECRET_PHONE,
        "987654321",
        "0987 654 321",
        SECRET_PLACE,
        "Nậm Loỏng",
        SECRET_DISTRICT,
        SECRET_FIRST_NAME,
        "AB-",
    ):
        assert secret not in log_text, secret
