"""When data past its purpose goes: one job a day, at 03:30 in the users' time zone.

The rules of what goes are the features': stored conversation states and form drafts
untouched for 24 hours (``bot.db.persistence``), unanswered questions and ratings after
a year (``bot.curation.privacy``), volunteer registrations anonymised 30 days after their
campaign ended (``bot.volunteers.retention``). This module only says when, and drops
from the Application's memory what left the store, so it is not written back.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from telegram.ext import ConversationHandler

from bot.context import BotApplication, BotContext
from bot.curation.privacy import purge_old
from bot.db.engine import write_session
from bot.db.persistence import LASTING_USER_KEYS, StalePurge, purge_stale_state
from bot.volunteers.retention import anonymise_ended

log = logging.getLogger(__name__)

JOB_NAME = "retention"
RUN_AT = dt.time(3, 30)  # local time: the quietest hour


@dataclass(frozen=True)
class RetentionReport:
    state: StalePurge
    questions: int  # unanswered questions and ratings deleted
    registrations: int  # volunteer registrations anonymised


def forget_in_memory(application: BotApplication, purged: StalePurge) -> None:
    """Drop from the running Application what :func:`purge_stale_state` removed."""
    for user_id in purged.users:
        data = application.user_data.get(user_id)
        if data is not None:
            for key in [k for k in data if k not in LASTING_USER_KEYS]:
                del data[key]
    for chat_id in purged.chats:
        if chat_id in application.chat_data:
            application.drop_chat_data(chat_id)
    by_name = {
        handler.name: handler
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, ConversationHandler) and handler.name
    }
    for name, key in purged.conversations:
        handler = by_name.get(name)
        if handler is not None:
            # PTB has no public way to end another user's conversation from outside it.
            handler._conversations.pop(key, None)


async def run_retention(application: BotApplication) -> RetentionReport:
    """Purge and anonymise everything due now (the job's body; tests call it after
    moving the clock)."""
    db = application.services.db
    if db is None:
        return RetentionReport(StalePurge(), 0, 0)
    now = application.services.clock.now()
    state = await purge_stale_state(db, now)
    forget_in_memory(application, state)
    async with write_session(db.session_factory) as session:
        questions = await purge_old(session, now)
    async with write_session(db.session_factory) as session:
        registrations = await anonymise_ended(session, now)
    log.info(
        "retention: %d user state(s), %d chat state(s), %d conversation(s) purged; "
        "%d question/rating row(s) deleted; %d registration(s) anonymised",
        len(state.users),
        len(state.chats),
        len(state.conversations),
        questions,
        registrations,
    )
    return RetentionReport(state, questions, registrations)


async def _daily(context: BotContext) -> None:
    try:
        application = context.application
        assert isinstance(application, BotApplication)
        await run_retention(application)
    except Exception:
        log.exception("retention job failed")


async def start(application: BotApplication) -> None:
    """A start-up hook: the daily job on PTB's JobQueue, in the users' time zone."""
    if application.job_queue is not None:
        tz = application.services.settings.tz
        application.job_queue.run_daily(_daily, time=RUN_AT.replace(tzinfo=tz), name=JOB_NAME)


def register(application: BotApplication) -> None:
    """The wiring's area: schedule the daily purge at start-up."""
    application.services.startup.append(start)
