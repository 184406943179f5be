"""Issue 12 #9, end to end: an abandoned /dangky draft leaves the stored state AND the
running bot's memory at the daily purge, 24 hours after it was last touched; the
language the person chose stays; the purge is scheduled every day."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import Database, read_session
from bot.db.models import BotState
from handlers import volunteers
from scheduler import retention
from tests.db.volunteers.helpers import open_edition, seed_agencies
from tests.e2e.volunteers.test_volunteers import open_form
from tests.harness import BotHarness, with_database


async def stored(database: Database) -> dict[tuple[str, str], object]:
    async with read_session(database.session_factory) as session:
        rows = (await session.scalars(select(BotState))).all()
    return {(r.namespace, r.key): r.data for r in rows if r.namespace != "curation"}


async def test_an_abandoned_draft_is_purged_from_store_and_memory(
    database: Database, db_url: str, clock: ManualClock
) -> None:
    await seed_agencies(database.session_factory, clock.now())
    await open_edition(database.session_factory, clock.now())
    async with BotHarness.start(
        clock=clock,
        database_url=db_url,
        areas=[with_database(database), volunteers.register, retention.register],
    ) as bot:
        jobs = bot.application.job_queue.get_jobs_by_name(retention.JOB_NAME)
        assert len(jobs) == 1  # scheduled daily
        lan = bot.chat(first_name="Lan")
        bot.application.user_data[lan.user.id]["lang"] = "vi"
        await open_form(lan)
        await lan.send("Nguyễn Thị Lan")
        await lan.reply()
        key = ("user", str(lan.user.id))
        for _ in range(50):  # PTB saves state once a second
            rows = await stored(database)
            if volunteers.DRAFT in (rows.get(key) or {}):
                break
            await asyncio.sleep(0.1)
        assert rows[key][volunteers.DRAFT]["full_name"] == "Nguyễn Thị Lan"
        assert any(ns.startswith("conv:") for ns, _ in rows)

        clock.advance(hours=23)
        assert (await retention.run_retention(bot.application)).state.users == []
        clock.advance(hours=2)
        report = await retention.run_retention(bot.application)
        assert report.state.users == [lan.user.id]
        rows = await stored(database)
        assert rows[key] == {"lang": "vi"}
        assert not any(ns.startswith("conv:") for ns, _ in rows)
        assert dict(bot.application.user_data[lan.user.id]) == {"lang": "vi"}
        await lan.send("0912345678")  # no longer inside the form
        assert "Bước 3/6" not in (await lan.reply()).text
