"""Scenario docs/scenarios/volunteers.md (reminder and digest), end to end: the day before a
campaign, the volunteer's reminder goes through the scheduler's outbox and delivery path;
a coordinator's digest counts registrations per campaign."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.db.models_scheduler import OutboxMessage
from bot.volunteers.registrations import register
from handlers import digest, reminders, volunteers
from scheduler import campaign_reminders
from tests.db.volunteers.helpers import COORDINATOR, form, open_edition, seed_agencies
from tests.e2e.volunteers.test_volunteers import CAMPAIGN
from tests.harness import BotHarness, with_database

START = dt.datetime(2026, 3, 4, 8, 0, tzinfo=VN_TZ)  # Wednesday; the clock starts Monday 09:00


@pytest.fixture
async def full_bot(database: Database, clock: ManualClock) -> AsyncIterator[BotHarness]:
    await seed_agencies(database.session_factory, clock.now())
    areas = [with_database(database), reminders.register, digest.register, volunteers.register]
    async with BotHarness.start(clock=clock, areas=areas) as harness:
        yield harness


async def test_reminder_the_day_before_through_the_delivery_path(
    full_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    eid = await open_edition(database.session_factory, clock.now(), starts_in=START - clock.now())
    lan = full_bot.chat(first_name="Lan")
    async with write_session(database.session_factory) as session:
        await register(session, eid, lan.user.id, form(1), now=clock.now(), chat_id=lan.chat_id)
    app = full_bot.application
    assert await campaign_reminders.queue_campaign_reminders(app) == 0  # Monday: too early

    clock.set(dt.datetime(2026, 3, 3, 5, 30, tzinfo=VN_TZ))  # Tuesday, before dawn: not yet
    assert await campaign_reminders.queue_campaign_reminders(app) == 0
    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ))  # Tuesday morning
    assert await campaign_reminders.queue_campaign_reminders(app) == 1
    assert await campaign_reminders.queue_campaign_reminders(app) == 0  # never twice
    async with read_session(database.session_factory) as session:
        [queued] = (await session.scalars(select(OutboxMessage))).all()
    assert (queued.kind, queued.chat_id) == ("campaign_reminder", lan.chat_id)

    svc = reminders.scheduler_service(app)
    assert svc is not None
    report = await svc.deliver()  # the scheduler's delivery path (flood limits, retries)
    assert report.sent == 1
    reminder = await lan.reply()
    assert "Nhắc lịch" in reminder.text and CAMPAIGN in reminder.text
    assert "bắt đầu lúc 08:00 4/3/26" in reminder.text  # local time, Babel's short format
    assert "/cuatoi" in reminder.text


async def test_digest_counts_registrations_per_campaign(
    full_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    eid = await open_edition(database.session_factory, clock.now())
    async with write_session(database.session_factory) as session:
        for user in (1, 2, 3):
            await register(session, eid, user, form(user), now=clock.now())
    coord = full_bot.chat(COORDINATOR, first_name="Hà")
    await coord.send("/baocao")
    text = (await coord.reply()).text
    assert "Đăng ký theo chiến dịch" in text
    assert f"{CAMPAIGN}: 3" in text


async def test_cancelling_withdraws_a_queued_reminder(
    full_bot: BotHarness, database: Database, clock: ManualClock
) -> None:
    eid = await open_edition(database.session_factory, clock.now(), starts_in=START - clock.now())
    lan, minh = full_bot.chat(first_name="Lan"), full_bot.chat(first_name="Minh")
    async with write_session(database.session_factory) as session:
        for chat in (lan, minh):
            await register(
                session, eid, chat.user.id, form(1), now=clock.now(), chat_id=chat.chat_id
            )
    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ))
    app = full_bot.application
    assert await campaign_reminders.queue_campaign_reminders(app) == 2
    await lan.send("/cuatoi")
    await lan.press("Hủy", await lan.reply())
    await lan.edit()
    await lan.press("Có, hủy đăng ký")
    assert "Đã hủy" in (await lan.edit()).text
    svc = reminders.scheduler_service(app)
    assert svc is not None
    assert (await svc.deliver()).sent == 1  # only Minh's is left
    assert "Nhắc lịch" in (await minh.reply()).text
    assert not any("Nhắc lịch" in r.text for r in lan.sent)


async def test_the_whole_bot_runs_the_campaign_reminder_tick() -> None:
    """The tick is wired by kl44.AREAS (scheduler/campaign_reminders), not by a handler."""
    async with BotHarness.start() as bot:
        queue = bot.application.job_queue
        assert queue is not None
        assert queue.get_jobs_by_name(campaign_reminders.JOB_NAME)
