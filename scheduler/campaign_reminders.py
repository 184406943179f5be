"""When volunteers are reminded of a campaign: a tick every ten minutes queues the
reminders due (the day before, ``bot.volunteers.reminders`` decides which) into the
scheduler's outbox, whose delivery keeps the flood limits. The text is the feature's
(``bot.volunteers.texts``)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import BotApplication, BotContext
from bot.volunteers.reminders import (
    OUTBOX_KIND,
    CampaignReminder,
    Deliver,
    outbox_key,
    send_due_reminders,
)
from bot.volunteers.texts import reminder_text
from scheduler.outbox import Outgoing, enqueue

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 600
JOB_NAME = "campaign reminders"


def outbox_delivery(tz: str, now: dt.datetime) -> Deliver:
    """Hand reminders to the outbox, in the transaction that claims them."""

    async def deliver(session: AsyncSession, reminder: CampaignReminder) -> bool:
        message = Outgoing(
            dedupe_key=outbox_key(reminder.registration_id),
            chat_id=reminder.chat_id,
            kind=OUTBOX_KIND,
            text=reminder_text(reminder, tz),
            not_before=now,
        )
        await enqueue(session, [message], now)
        return True

    return deliver


async def queue_campaign_reminders(application: BotApplication) -> int:
    """Queue every reminder due now (the job's body; tests call it after moving the clock)."""
    db = application.services.db
    if db is None:
        return 0
    now = application.services.clock.now()
    settings = application.services.settings
    return await send_due_reminders(
        db.session_factory, outbox_delivery(settings.timezone, now), now=now, tz=settings.tz
    )


async def _tick(context: BotContext) -> None:
    try:
        application = context.application
        assert isinstance(application, BotApplication)
        await queue_campaign_reminders(application)
    except Exception:
        log.exception("campaign reminder job failed")


async def start(application: BotApplication) -> None:
    """A start-up hook: the repeating tick on PTB's JobQueue."""
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _tick, interval=INTERVAL_SECONDS, first=INTERVAL_SECONDS, name=JOB_NAME
        )


def register(application: BotApplication) -> None:
    """The wiring's hook (``kl44.py``): start the tick with the bot."""
    application.services.startup.append(start)
