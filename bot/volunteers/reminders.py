"""The reminder the day before a campaign starts.

:func:`due_reminders` finds confirmed registrations whose edition starts tomorrow
(Asia/Ho_Chi_Minh; or sooner, as a catch-up after downtime) and that were not reminded
yet. :func:`send_due_reminders` claims each one (a conditional UPDATE of
``reminder_sent_at``) and hands it, in the same transaction, to a ``deliver`` coroutine
- in the bot, an insert into the scheduler's outbox, whose delivery path keeps the
flood limits - so a restart or a second replica never reminds twice, and a refused or
failed hand-over rolls the claim back for the next tick.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionFactory, read_session, write_session
from bot.db.models_scheduler import OutboxMessage, OutboxStatus
from bot.db.models_volunteers import (
    CampaignEdition,
    EditionStatus,
    RegistrationStatus,
    VolunteerRegistration,
)

log = logging.getLogger(__name__)

#: ``kind`` of the reminders in the scheduler's outbox; the unique key is per registration.
OUTBOX_KIND = "campaign_reminder"


def outbox_key(registration_id: int) -> str:
    return f"{OUTBOX_KIND}:{registration_id}"


async def withdraw_queued(
    session: AsyncSession, registration_ids: list[int], *, all_states: bool = False
) -> int:
    """Take reminders of these registrations out of the outbox: pending ones (after a
    cancellation), or every one (erasure: the chat id goes too)."""
    if not registration_ids:
        return 0
    query = delete(OutboxMessage).where(
        OutboxMessage.dedupe_key.in_([outbox_key(i) for i in registration_ids]),
        OutboxMessage.kind == OUTBOX_KIND,
    )
    if not all_states:
        query = query.where(OutboxMessage.status == OutboxStatus.pending.value)
    result = await session.execute(query)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult


#: No reminders between 20:00 and 07:00 local time (the quiet hours of scheduler/workdays.py)…
QUIET_START, QUIET_END = 20, 7
#: …unless the campaign starts within this time (catch-up after downtime).
NIGHT_CATCH_UP = dt.timedelta(hours=10)


@dataclass(frozen=True)
class CampaignReminder:
    registration_id: int
    chat_id: int
    language: str
    edition_id: int
    edition_name: str
    place: str
    starts_at: dt.datetime


async def due_reminders(
    session: AsyncSession, now: dt.datetime, tz: dt.tzinfo
) -> list[CampaignReminder]:
    """Confirmed, not-yet-reminded registrations for editions starting by tomorrow."""
    local_now = now.astimezone(tz)
    day_after = dt.datetime.combine(
        local_now.date() + dt.timedelta(days=2), dt.time(0, 0), tzinfo=tz
    )
    rows = (
        await session.execute(
            select(VolunteerRegistration, CampaignEdition)
            .join(CampaignEdition, CampaignEdition.id == VolunteerRegistration.edition_id)
            .where(
                VolunteerRegistration.status == RegistrationStatus.confirmed.value,
                VolunteerRegistration.reminder_sent_at.is_(None),
                VolunteerRegistration.chat_id.is_not(None),
                CampaignEdition.status != EditionStatus.cancelled.value,
                CampaignEdition.starts_at > now,
                CampaignEdition.starts_at < day_after,
            )
            .order_by(CampaignEdition.starts_at, VolunteerRegistration.id)
        )
    ).all()
    quiet = not QUIET_END <= local_now.hour < QUIET_START
    return [
        CampaignReminder(
            registration_id=reg.id,
            chat_id=int(reg.chat_id),  # type: ignore[arg-type]  # the query keeps only rows with a chat id
            language=reg.language,
            edition_id=edition.id,
            edition_name=edition.name,
            place=edition.place,
            starts_at=edition.starts_at,
        )
        for reg, edition in rows
        # At night, wait for the morning unless the campaign starts before then.
        if not quiet or edition.starts_at - now <= NIGHT_CATCH_UP
    ]


async def mark_reminded(session: AsyncSession, registration_id: int, now: dt.datetime) -> bool:
    """Stamp the reminder as sent; False if someone else already did (idempotence)."""
    result = await session.execute(
        update(VolunteerRegistration)
        .where(
            VolunteerRegistration.id == registration_id,
            VolunteerRegistration.reminder_sent_at.is_(None),
        )
        .values(reminder_sent_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult


#: ``deliver(session, reminder)``: hand the reminder over, in the claiming transaction
#: (e.g. insert it into the scheduler's outbox); False or an exception = not now.
Deliver = Callable[[AsyncSession, CampaignReminder], Awaitable[bool]]


async def send_due_reminders(
    session_factory: SessionFactory, deliver: Deliver, *, now: dt.datetime, tz: dt.tzinfo
) -> int:
    """Deliver every due reminder once; returns how many were handed over.

    Each reminder is claimed (stamped) in its own write transaction before delivery;
    if delivery refuses it (returns False or raises), the stamp is rolled back so the
    next tick retries.
    """
    async with read_session(session_factory) as session:
        due = await due_reminders(session, now, tz)
    sent = 0
    for reminder in due:
        try:
            async with write_session(session_factory) as session:
                if not await mark_reminded(session, reminder.registration_id, now):
                    continue
                if not await deliver(session, reminder):
                    raise _Undelivered
        except Exception as exc:  # refused or failed: the stamp was rolled back, retry later
            log.warning(
                "campaign reminder for registration %s not delivered (%s)",
                reminder.registration_id,
                type(exc).__name__,
            )
            continue
        sent += 1
    if sent:
        log.info("%d campaign reminder(s) delivered", sent)
    return sent


class _Undelivered(Exception):
    pass
