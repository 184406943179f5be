"""Issue 12 #8: one complete export per person (/dulieucuatoi, and /cuatoi's "My data"
button), always available, also after a campaign ended: memberships, progress updates,
volunteer registrations, logged questions and ratings, the language chosen."""

from __future__ import annotations

import datetime as dt
import json

from bot.clock import ManualClock
from bot.db.engine import Database, write_session
from bot.volunteers.registrations import register
from handlers import curation, membership, volunteers
from tests.db.volunteers.helpers import form, open_edition, seed_agencies
from tests.harness import BotHarness, with_database

UNANSWERED = "ai lam app hien mau"


def _export(bot: BotHarness, sent) -> dict:
    assert sent.document is not None
    return json.loads(bot.emulator.file_bytes(sent.document["file_id"]))


async def test_one_export_holds_everything_also_after_the_campaign_ended(
    database: Database, clock: ManualClock
) -> None:
    await seed_agencies(database.session_factory, clock.now())
    eid = await open_edition(database.session_factory, clock.now(), starts_in=dt.timedelta(days=1))
    async with BotHarness.start(
        clock=clock,
        areas=[
            with_database(database),
            membership.register,
            volunteers.register,
            curation.register,
        ],
    ) as bot:
        hoa = bot.chat(first_name="Hoa")
        async with write_session(database.session_factory) as session:
            await register(session, eid, hoa.user.id, form(1, blood_group="O+"), now=clock.now())
        await hoa.send(UNANSWERED)
        await hoa.reply()

        clock.advance(days=5)  # the campaign is over
        await hoa.send("/dulieucuatoi")
        mine = _export(bot, await hoa.reply())
        [reg] = mine["volunteer_registrations"]
        assert (reg["phone"], reg["blood_group"], reg["commune_ward"], reg["skills"]) == (
            "+84912345601",
            "O+",
            "Phường Tân Phong",
            ["first_aid"],
        )
        assert [q["text"] for q in mine["questions_asked"]["questions"]] == [UNANSWERED]
        for key in ("memberships", "progress_updates", "language", "user_id"):
            assert key in mine
        assert mine["user_id"] == hoa.user.id

        # The volunteers' door to the same export stays open with no current registration.
        await hoa.send("/cuatoi")
        await hoa.press("Dữ liệu của tôi", await hoa.reply())
        assert _export(bot, await hoa.reply()) == mine
