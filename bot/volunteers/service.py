"""The units of work /dangky, /cuatoi and /xoadulieu call: each opens its own session.

Handlers hand in the :class:`~bot.db.engine.Database`, who acts and when, and get plain
results back (rows are read fully before the session closes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.db.engine import Database, read_session, write_session
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration
from bot.volunteers.editions import get_edition, list_open_editions, registration_open
from bot.volunteers.registrations import (
    ErasureResult,
    MyRegistration,
    RegisterResult,
    RegistrationForm,
    cancel_registration,
    erase_personal_data,
    existing_registration,
    my_registrations,
    personal_data_export,
    register,
)

#: the rows the chat shows, under the feature's names
Edition = CampaignEdition
Registration = VolunteerRegistration


@dataclass(frozen=True)
class Choice:
    """What picking a campaign found: the edition (None or closed: not open any more)
    and whether the user is already registered for it."""

    edition: CampaignEdition | None
    open: bool
    already: bool


async def open_editions(db: Database, now: dt.datetime) -> list[CampaignEdition]:
    async with read_session(db.session_factory) as session:
        return await list_open_editions(session, now)


async def choose(db: Database, edition_id: int, user_id: int, now: dt.datetime) -> Choice:
    async with read_session(db.session_factory) as session:
        edition = await get_edition(session, edition_id)
        if edition is None or not registration_open(edition, now):
            return Choice(edition, False, False)
        existing = await existing_registration(session, edition_id, user_id)
    return Choice(edition, True, existing is not None)


async def submit(
    db: Database,
    edition_id: int,
    user_id: int,
    form: RegistrationForm,
    *,
    now: dt.datetime,
    chat_id: int,
    language: str,
    accept_waitlist: bool,
) -> RegisterResult:
    async with write_session(db.session_factory) as session:
        return await register(
            session,
            edition_id,
            user_id,
            form,
            now=now,
            chat_id=chat_id,
            language=language,
            accept_waitlist=accept_waitlist,
        )


async def promotion_notices(
    db: Database, promoted: list[VolunteerRegistration]
) -> list[tuple[VolunteerRegistration, CampaignEdition]]:
    """Who to tell that the waitlist moved them up, with their campaign."""
    notices = []
    async with read_session(db.session_factory) as session:
        for reg in promoted:
            if reg.chat_id is None:
                continue
            edition = await session.get(CampaignEdition, reg.edition_id)
            if edition is not None:
                notices.append((reg, edition))
    return notices


async def mine(db: Database, user_id: int, now: dt.datetime) -> list[MyRegistration]:
    async with read_session(db.session_factory) as session:
        return await my_registrations(session, user_id, now=now)


async def cancellable(db: Database, registration_id: int, user_id: int) -> CampaignEdition | None:
    """The campaign of the user's own live registration, or None."""
    async with read_session(db.session_factory) as session:
        reg = await session.get(VolunteerRegistration, registration_id)
        edition = await session.get(CampaignEdition, reg.edition_id) if reg else None
    if reg is None or reg.user_id != user_id or edition is None or reg.status == "cancelled":
        return None
    return edition


async def cancel(
    db: Database, registration_id: int, user_id: int, now: dt.datetime
) -> tuple[str | None, list[VolunteerRegistration]]:
    """Cancel the user's registration: its campaign's name (None: nothing cancelled) and
    the registrations moved up from the waitlist into the freed seat."""
    async with write_session(db.session_factory) as session:
        result = await cancel_registration(session, registration_id, user_id, now=now)
        if result.cancelled is None:
            return None, []
        edition = await session.get(CampaignEdition, result.cancelled.edition_id)
    return (edition.name if edition else ""), result.promoted


async def export(db: Database, user_id: int) -> dict[str, object]:
    async with read_session(db.session_factory) as session:
        return await personal_data_export(session, user_id)


async def erase(db: Database, user_id: int, now: dt.datetime) -> ErasureResult:
    async with write_session(db.session_factory) as session:
        return await erase_personal_data(session, user_id, now=now)
