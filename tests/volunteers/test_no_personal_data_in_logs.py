"""Names, phone numbers and places never reach the logs, whatever the log level."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, write_session
from bot.logs import configure_logging
from bot.volunteers.registrations import cancel_registration, erase_personal_data, register
from bot.volunteers.reports import export_csv
from tests.volunteers.helpers import COORDINATOR, form, open_edition, seed_agencies

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
