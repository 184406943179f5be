"""Registering volunteers: seats, waitlist, duplicates, cancellation with promotion, erasure.

Concurrency: every function that changes seats first locks the edition row
(``SELECT … FOR UPDATE``; on SQLite the caller's ``write_session`` holds the database
write lock from ``BEGIN IMMEDIATE``), then counts. ``confirmed_count`` sits under a
CHECK constraint (``confirmed_count <= capacity``) and one live registration per
volunteer is a partial unique index, so even a code path that forgot the lock could
not oversell a campaign or register someone twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditLog
from bot.db.models_volunteers import (
    CampaignEdition,
    EditionStatus,
    RegistrationStatus,
    VolunteerRegistration,
)
from bot.volunteers.editions import get_edition, registration_open
from bot.volunteers.reminders import withdraw_queued
from bot.volunteers.validation import (
    SKILLS,
    InvalidInput,
    clean_name,
    clean_place,
    normalize_blood_group,
    normalize_phone,
)

log = logging.getLogger(__name__)

CONSENT_VERSION = "nd13-2023/v2"  # v2: retention periods stated
LIVE = (RegistrationStatus.confirmed.value, RegistrationStatus.waitlisted.value)


@dataclass
class RegistrationForm:
    """What the volunteer typed, already checked (see :meth:`validated`)."""

    full_name: str
    phone: str
    commune: str
    district: str
    skills: list[str] = field(default_factory=list)
    blood_group: str | None = None
    consent: bool = False

    def validated(self) -> RegistrationForm:
        """A cleaned copy, or :class:`InvalidInput`."""
        skills = [s for s in dict.fromkeys(self.skills) if s in SKILLS]
        if len(skills) != len(set(self.skills)):
            raise InvalidInput("skill")
        blood = normalize_blood_group(self.blood_group) if self.blood_group else None
        if not self.consent:
            raise InvalidInput("no_consent")
        return RegistrationForm(
            full_name=clean_name(self.full_name),
            phone=normalize_phone(self.phone),
            commune=clean_place(self.commune),
            district=clean_place(self.district),
            skills=skills,
            blood_group=blood,
            consent=True,
        )


class Outcome(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    full = "full"  # no seat left and the volunteer has not accepted the waitlist
    duplicate = "duplicate"  # already registered (or waitlisted) for this edition
    closed = "closed"  # registration is not open (window, status) or the edition is gone


@dataclass(frozen=True)
class RegisterResult:
    outcome: Outcome
    registration: VolunteerRegistration | None = None
    waitlist_position: int | None = None


async def _live_registration(
    session: AsyncSession, edition_id: int, user_id: int
) -> VolunteerRegistration | None:
    return (
        await session.scalars(
            select(VolunteerRegistration).where(
                VolunteerRegistration.edition_id == edition_id,
                VolunteerRegistration.user_id == user_id,
                VolunteerRegistration.status.in_(LIVE),
            )
        )
    ).first()


async def waitlist_position(session: AsyncSession, registration: VolunteerRegistration) -> int:
    """1-based position of a waitlisted registration."""
    ahead = await session.scalars(
        select(VolunteerRegistration.id).where(
            VolunteerRegistration.edition_id == registration.edition_id,
            VolunteerRegistration.status == RegistrationStatus.waitlisted.value,
            VolunteerRegistration.id < registration.id,
        )
    )
    return len(ahead.all()) + 1


def has_seat(edition: CampaignEdition) -> bool:
    return edition.capacity is None or edition.confirmed_count < edition.capacity


async def existing_registration(
    session: AsyncSession, edition_id: int, user_id: int
) -> VolunteerRegistration | None:
    """The volunteer's live registration for an edition, if any (duplicate check)."""
    return await _live_registration(session, edition_id, user_id)


async def register(
    session: AsyncSession,
    edition_id: int,
    user_id: int,
    form: RegistrationForm,
    *,
    now: dt.datetime,
    chat_id: int | None = None,
    language: str = "vi",
    accept_waitlist: bool = False,
) -> RegisterResult:
    """Register ``user_id``: a seat if one is left, else the waitlist if accepted.

    Call inside ``write_session``; the edition row is locked first, so two volunteers
    racing for the last seat are served one after the other.
    """
    clean = form.validated()
    edition = await get_edition(session, edition_id, lock=True)
    if edition is None or not registration_open(edition, now):
        return RegisterResult(Outcome.closed)
    existing = await _live_registration(session, edition_id, user_id)
    if existing is not None:
        return RegisterResult(Outcome.duplicate, existing)
    if has_seat(edition):
        status = RegistrationStatus.confirmed
    elif accept_waitlist:
        status = RegistrationStatus.waitlisted
    else:
        return RegisterResult(Outcome.full)
    registration = VolunteerRegistration(
        edition_id=edition_id,
        user_id=user_id,
        chat_id=chat_id if chat_id is not None else user_id,
        language=language,
        full_name=clean.full_name,
        phone=clean.phone,
        commune=clean.commune,
        district=clean.district,
        skills=clean.skills,
        blood_group=clean.blood_group,
        consent_at=now,
        consent_version=CONSENT_VERSION,
        status=status.value,
        created_at=now,
    )
    session.add(registration)
    if status is RegistrationStatus.confirmed:
        edition.confirmed_count += 1
    await session.flush()
    log.info("registration %s for edition %s: %s", registration.id, edition_id, status.value)
    if status is RegistrationStatus.waitlisted:
        position = await waitlist_position(session, registration)
        return RegisterResult(Outcome.waitlisted, registration, position)
    return RegisterResult(Outcome.confirmed, registration)


async def promote_waitlisted(
    session: AsyncSession, edition: CampaignEdition, now: dt.datetime
) -> list[int]:
    """Fill free seats from the waitlist, first come first served; the promoted ids.

    The caller holds the edition row lock.
    """
    promoted: list[int] = []
    if edition.status == EditionStatus.cancelled.value or now >= edition.ends_at:
        return promoted
    while has_seat(edition):
        nxt = (
            await session.scalars(
                select(VolunteerRegistration)
                .where(
                    VolunteerRegistration.edition_id == edition.id,
                    VolunteerRegistration.status == RegistrationStatus.waitlisted.value,
                )
                .order_by(VolunteerRegistration.id)
                .limit(1)
            )
        ).first()
        if nxt is None:
            break
        nxt.status = RegistrationStatus.confirmed.value
        nxt.promoted_at = now
        edition.confirmed_count += 1
        await session.flush()
        promoted.append(nxt.id)
        log.info("registration %s promoted from the waitlist of edition %s", nxt.id, edition.id)
    return promoted


@dataclass(frozen=True)
class CancelResult:
    cancelled: VolunteerRegistration | None
    promoted: list[VolunteerRegistration]


async def _release(
    session: AsyncSession, registration: VolunteerRegistration, now: dt.datetime
) -> list[VolunteerRegistration]:
    """Cancel a live registration (edition row locked) and promote into a freed seat."""
    edition = await get_edition(session, registration.edition_id, lock=True)
    assert edition is not None
    await session.refresh(registration)
    if registration.status not in LIVE:
        return []
    was_confirmed = registration.status == RegistrationStatus.confirmed.value
    registration.status = RegistrationStatus.cancelled.value
    registration.cancelled_at = now
    if was_confirmed:
        edition.confirmed_count -= 1
    await session.flush()
    await withdraw_queued(session, [registration.id])
    log.info("registration %s cancelled", registration.id)
    ids = await promote_waitlisted(session, edition, now) if was_confirmed else []
    if not ids:
        return []
    rows = await session.scalars(
        select(VolunteerRegistration).where(VolunteerRegistration.id.in_(ids))
    )
    return sorted(rows.all(), key=lambda r: r.id)


async def cancel_registration(
    session: AsyncSession, registration_id: int, user_id: int, *, now: dt.datetime
) -> CancelResult:
    """The volunteer cancels one of their registrations (checked: it must be theirs)."""
    registration = await session.get(VolunteerRegistration, registration_id)
    if registration is None or registration.user_id != user_id:
        return CancelResult(None, [])
    if registration.status not in LIVE:
        return CancelResult(None, [])
    promoted = await _release(session, registration, now)
    return CancelResult(registration, promoted)


@dataclass(frozen=True)
class MyRegistration:
    registration_id: int
    edition_id: int
    edition_name: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    waitlist_position: int | None


async def my_registrations(
    session: AsyncSession, user_id: int, *, now: dt.datetime
) -> list[MyRegistration]:
    """The volunteer's live registrations for editions that have not ended, soonest first."""
    rows = (
        await session.execute(
            select(VolunteerRegistration, CampaignEdition)
            .join(CampaignEdition, CampaignEdition.id == VolunteerRegistration.edition_id)
            .where(
                VolunteerRegistration.user_id == user_id,
                VolunteerRegistration.status.in_(LIVE),
                CampaignEdition.ends_at >= now,
            )
            .order_by(CampaignEdition.starts_at, VolunteerRegistration.id)
        )
    ).all()
    result = []
    for reg, edition in rows:
        position = (
            await waitlist_position(session, reg)
            if reg.status == RegistrationStatus.waitlisted.value
            else None
        )
        result.append(
            MyRegistration(
                registration_id=reg.id,
                edition_id=edition.id,
                edition_name=edition.name,
                place=edition.place,
                starts_at=edition.starts_at,
                ends_at=edition.ends_at,
                status=reg.status,
                waitlist_position=position,
            )
        )
    return result


@dataclass(frozen=True)
class ErasureResult:
    anonymised: int
    promoted: list[VolunteerRegistration]


async def erase_personal_data(
    session: AsyncSession, user_id: int, *, now: dt.datetime
) -> ErasureResult:
    """Erase everything personal the volunteer gave us (Nghị định 13/2023/NĐ-CP).

    Registrations for editions that have not started are cancelled first (their seats
    go to the waitlist); then every registration of the user is anonymised: the row
    and its status stay, so counts per campaign are kept.
    """
    regs = (
        await session.scalars(
            select(VolunteerRegistration)
            .where(VolunteerRegistration.user_id == user_id)
            .order_by(VolunteerRegistration.id)
        )
    ).all()
    promoted: list[VolunteerRegistration] = []
    for reg in regs:
        if reg.status in LIVE:
            edition = await session.get(CampaignEdition, reg.edition_id)
            if edition is not None and edition.starts_at > now:
                promoted.extend(await _release(session, reg, now))
        reg.user_id = None
        reg.chat_id = None
        reg.full_name = None
        reg.phone = None
        reg.commune = None
        reg.district = None
        reg.skills = None
        reg.blood_group = None
        reg.erased_at = now
    if regs:
        await withdraw_queued(session, [r.id for r in regs], all_states=True)
        session.add(
            AuditLog(
                actor_id=None,
                action="volunteer.erase",
                object_type="volunteer_registration",
                object_id=",".join(str(r.id) for r in regs)[:128],
                details={"count": len(regs)},
                at=now,
            )
        )
    await session.flush()
    log.info("personal data erased from %d registration(s)", len(regs))
    return ErasureResult(len(regs), promoted)


async def personal_data_export(session: AsyncSession, user_id: int) -> dict[str, object]:
    """Everything stored about the volunteer, as plain JSON-ready data (right of access)."""
    rows = (
        await session.execute(
            select(VolunteerRegistration, CampaignEdition)
            .join(CampaignEdition, CampaignEdition.id == VolunteerRegistration.edition_id)
            .where(VolunteerRegistration.user_id == user_id)
            .order_by(VolunteerRegistration.id)
        )
    ).all()

    def when(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "telegram_user_id": user_id,
        "registrations": [
            {
                "registration_id": reg.id,
                "campaign": edition.name,
                "campaign_starts_at": when(edition.starts_at),
                "status": reg.status,
                "full_name": reg.full_name,
                "phone": reg.phone,
                "commune_ward": reg.commune,
                "district_province": reg.district,
                "skills": list(reg.skills or []),
                "blood_group": reg.blood_group,
                "language": reg.language,
                "consent_at": when(reg.consent_at),
                "consent_version": reg.consent_version,
                "registered_at": when(reg.created_at),
                "cancelled_at": when(reg.cancelled_at),
                "reminder_sent_at": when(reg.reminder_sent_at),
            }
            for reg, edition in rows
        ],
    }
