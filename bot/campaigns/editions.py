"""Campaign editions: a coordinator opens, edits, closes and lists them.

(What a volunteer sees of an edition, and the rule "registration is open", live in
:mod:`bot.volunteers.editions`; this module builds on them, never the reverse.)

All times are aware; the registration window defaults to "from now until the
campaign starts". Every write checks the caller's scope in the same transaction
and leaves a line in the audit log (ids and field names only, never personal data).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.access import ManagedAgencies, NotAllowed, manager_scope, require_manager
from bot.db.models import Agency, AuditLog
from bot.db.models_volunteers import CampaignEdition, EditionStatus
from bot.volunteers.editions import get_edition
from bot.volunteers.registrations import promote_waitlisted
from bot.volunteers.validation import InvalidInput

log = logging.getLogger(__name__)

NAME_MAX = 200
DESCRIPTION_MAX = 2000
CAPACITY_MAX = 100_000


@dataclass
class EditionDraft:
    """What a coordinator fills in to open a campaign edition."""

    name: str
    organiser_agency_id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    place: str = ""
    capacity: int | None = None
    campaign_key: str | None = None
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime refused")
    return value


def check_draft(draft: EditionDraft, now: dt.datetime) -> None:
    """Raise :class:`InvalidInput` when the draft does not make sense."""
    if not draft.name.strip() or len(draft.name) > NAME_MAX:
        raise InvalidInput("edition_name")
    if len(draft.description) > DESCRIPTION_MAX:
        raise InvalidInput("text_too_long")
    starts, ends = _aware(draft.starts_at), _aware(draft.ends_at)
    if ends < starts:
        raise InvalidInput("ends_before_start")
    if ends < now:
        raise InvalidInput("in_the_past")
    if draft.capacity is not None and not 1 <= draft.capacity <= CAPACITY_MAX:
        raise InvalidInput("capacity")
    opens = draft.registration_opens_at or now
    closes = draft.registration_closes_at or starts
    if closes < opens:
        raise InvalidInput("window")


def _audit(
    session: AsyncSession,
    actor: int,
    action: str,
    edition_id: int,
    now: dt.datetime,
    **details: object,
) -> None:
    session.add(
        AuditLog(
            actor_id=actor,
            action=action,
            object_type="campaign_edition",
            object_id=str(edition_id),
            details=dict(details),
            at=now,
        )
    )


async def create_edition(
    session: AsyncSession,
    draft: EditionDraft,
    *,
    actor_id: int,
    now: dt.datetime,
    admin_ids: Collection[int] = (),
) -> CampaignEdition:
    """Open a new edition (status ``open``) after checking the actor's scope."""
    check_draft(draft, now)
    if await session.get(Agency, draft.organiser_agency_id) is None:
        raise InvalidInput("unknown_agency")
    await require_manager(session, actor_id, draft.organiser_agency_id, admin_ids)
    edition = CampaignEdition(
        campaign_key=draft.campaign_key,
        name=draft.name.strip(),
        description=draft.description.strip(),
        organiser_agency_id=draft.organiser_agency_id,
        place=draft.place.strip(),
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        registration_opens_at=draft.registration_opens_at or now,
        registration_closes_at=draft.registration_closes_at or draft.starts_at,
        capacity=draft.capacity,
        confirmed_count=0,
        status=EditionStatus.open.value,
        created_by=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(edition)
    await session.flush()
    _audit(session, actor_id, "campaign.create", edition.id, now)
    log.info("campaign edition %s opened", edition.id)
    return edition


async def managed_edition(
    session: AsyncSession,
    edition_id: int,
    actor_id: int,
    admin_ids: Collection[int] = (),
    *,
    lock: bool = False,
) -> CampaignEdition:
    """The edition if ``actor_id`` manages its organiser; :class:`NotAllowed` otherwise."""
    edition = await get_edition(session, edition_id, lock=lock)
    if edition is None:
        raise NotAllowed(str(edition_id))
    await require_manager(session, actor_id, edition.organiser_agency_id, admin_ids)
    return edition


async def list_managed_editions(
    session: AsyncSession,
    actor_id: int,
    admin_ids: Collection[int] = (),
    *,
    include_finished: bool = False,
    now: dt.datetime | None = None,
) -> list[CampaignEdition]:
    """Editions whose organiser the actor manages, soonest first."""
    scope: ManagedAgencies = await manager_scope(session, actor_id, admin_ids)
    if scope.empty:
        return []
    query = select(CampaignEdition).order_by(CampaignEdition.starts_at, CampaignEdition.id)
    if not scope.everything:
        query = query.where(CampaignEdition.organiser_agency_id.in_(sorted(scope.agencies)))
    if not include_finished and now is not None:
        query = query.where(
            or_(CampaignEdition.ends_at >= now, CampaignEdition.status == EditionStatus.open.value)
        )
    return list((await session.scalars(query)).all())


EDITABLE = ("name", "description", "place", "capacity", "registration_closes_at")


async def update_edition(
    session: AsyncSession,
    edition_id: int,
    changes: dict[str, object],
    *,
    actor_id: int,
    now: dt.datetime,
    admin_ids: Collection[int] = (),
) -> tuple[CampaignEdition, list[int]]:
    """Edit fields of an edition; returns it and the ids of registrations promoted
    from the waitlist when the capacity grew."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    edition = await managed_edition(session, edition_id, actor_id, admin_ids, lock=True)
    if edition.status == EditionStatus.cancelled.value:
        raise InvalidInput("edition_cancelled")
    if "name" in changes:
        name = str(changes["name"]).strip()
        if not name or len(name) > NAME_MAX:
            raise InvalidInput("edition_name")
        edition.name = name
    if "description" in changes:
        description = str(changes["description"]).strip()
        if len(description) > DESCRIPTION_MAX:
            raise InvalidInput("text_too_long")
        edition.description = description
    if "place" in changes:
        edition.place = str(changes["place"]).strip()[:200]
    if "registration_closes_at" in changes:
        closes = changes["registration_closes_at"]
        if not isinstance(closes, dt.datetime) or closes < edition.registration_opens_at:
            raise InvalidInput("window")
        edition.registration_closes_at = _aware(closes)
    if "capacity" in changes:
        capacity = changes["capacity"]
        if capacity is not None and (
            not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX
        ):
            raise InvalidInput("capacity")
        if capacity is not None and capacity < edition.confirmed_count:
            raise InvalidInput("capacity_below_confirmed")
        edition.capacity = capacity
    edition.updated_at = now
    await session.flush()
    promoted = await promote_waitlisted(session, edition, now)
    _audit(session, actor_id, "campaign.edit", edition.id, now, fields=sorted(changes))
    log.info("campaign edition %s edited (%s)", edition.id, ", ".join(sorted(changes)))
    return edition, promoted


async def close_edition(
    session: AsyncSession,
    edition_id: int,
    *,
    actor_id: int,
    now: dt.datetime,
    admin_ids: Collection[int] = (),
) -> CampaignEdition:
    """Close registration for an edition (registrations already made are kept)."""
    edition = await managed_edition(session, edition_id, actor_id, admin_ids, lock=True)
    if edition.status == EditionStatus.open.value:
        edition.status = EditionStatus.closed.value
        edition.updated_at = now
        _audit(session, actor_id, "campaign.close", edition.id, now)
        log.info("campaign edition %s closed", edition.id)
    return edition


__all__ = [
    "EDITABLE",
    "EditionDraft",
    "NotAllowed",
    "check_draft",
    "close_edition",
    "create_edition",
    "list_managed_editions",
    "managed_edition",
    "update_edition",
]
