"""The units of work /chiendich calls: each opens its own session on the bot's database.

Handlers hand in the :class:`~bot.db.engine.Database`, who acts and when; they get
plain results back (ORM rows are read fully before the session closes). Every write
re-checks the actor's scope inside its transaction (``bot.campaigns.editions``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from bot.campaigns.access import ManagedAgencies, manager_scope
from bot.campaigns.editions import (
    EditionDraft,
    close_edition,
    create_edition,
    list_managed_editions,
    managed_edition,
    update_edition,
)
from bot.campaigns.reports import EditionCounts, Registrant, counts_per_edition, export_csv
from bot.campaigns.reports import registrants as registrants_of
from bot.db.engine import Database, read_session, write_session
from bot.db.models import Agency
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration
from knowledge.normalize import fold

#: at most this many organisers are offered as buttons
MAX_AGENCY_BUTTONS = 8


@dataclass(frozen=True)
class Overview:
    """A coordinator's campaigns with their counts (empty scope: not a coordinator)."""

    scope: ManagedAgencies
    editions: list[CampaignEdition]
    counts: dict[int, EditionCounts]


@dataclass(frozen=True)
class EditionView:
    edition: CampaignEdition
    confirmed: int
    waitlisted: int
    organiser: str


@dataclass(frozen=True)
class AgencyChoice:
    id: str
    name: str


async def scope_of(db: Database, actor_id: int, admin_ids: Collection[int]) -> ManagedAgencies:
    async with read_session(db.session_factory) as session:
        return await manager_scope(session, actor_id, admin_ids)


async def overview(
    db: Database, actor_id: int, admin_ids: Collection[int], now: dt.datetime
) -> Overview:
    async with read_session(db.session_factory) as session:
        scope = await manager_scope(session, actor_id, admin_ids)
        if scope.empty:
            return Overview(scope, [], {})
        editions = await list_managed_editions(session, actor_id, admin_ids, now=now)
        counts = {c.edition_id: c for c in await counts_per_edition(session, now=now)}
    return Overview(scope, editions, counts)


async def view(
    db: Database, edition_id: int, actor_id: int, admin_ids: Collection[int], now: dt.datetime
) -> EditionView:
    """One managed edition with its counts and organiser (:class:`NotAllowed` otherwise)."""
    async with read_session(db.session_factory) as session:
        edition = await managed_edition(session, edition_id, actor_id, admin_ids)
        counts = {
            c.edition_id: c
            for c in await counts_per_edition(
                session, now=now, agency_ids=[edition.organiser_agency_id]
            )
        }
        agency = await session.get(Agency, edition.organiser_agency_id)
    c = counts.get(edition_id)
    return EditionView(
        edition,
        c.confirmed if c else 0,
        c.waitlisted if c else 0,
        agency.name if agency else edition.organiser_agency_id,
    )


async def managed(
    db: Database, edition_id: int, actor_id: int, admin_ids: Collection[int]
) -> CampaignEdition:
    async with read_session(db.session_factory) as session:
        return await managed_edition(session, edition_id, actor_id, admin_ids)


async def close(
    db: Database, edition_id: int, actor_id: int, admin_ids: Collection[int], now: dt.datetime
) -> CampaignEdition:
    async with write_session(db.session_factory) as session:
        return await close_edition(
            session, edition_id, actor_id=actor_id, now=now, admin_ids=admin_ids
        )


async def registrants(
    db: Database, edition_id: int, actor_id: int, admin_ids: Collection[int]
) -> tuple[CampaignEdition, list[Registrant]]:
    async with read_session(db.session_factory) as session:
        return await registrants_of(session, edition_id, actor_id=actor_id, admin_ids=admin_ids)


async def registrants_file(
    db: Database,
    edition_id: int,
    actor_id: int,
    admin_ids: Collection[int],
    now: dt.datetime,
    tz: dt.tzinfo,
) -> tuple[CampaignEdition, bytes, int]:
    """The CSV of an edition's registrants (the export is audited, so a write)."""
    async with write_session(db.session_factory) as session:
        return await export_csv(
            session, edition_id, actor_id=actor_id, now=now, tz=tz, admin_ids=admin_ids
        )


async def organiser_choices(
    db: Database, actor_id: int, admin_ids: Collection[int]
) -> list[AgencyChoice]:
    """The agencies to offer as buttons: those of a small scope; none for a wide one
    (everything, or more than :data:`MAX_AGENCY_BUTTONS`: then the name is typed)."""
    async with read_session(db.session_factory) as session:
        scope = await manager_scope(session, actor_id, admin_ids)
        if scope.everything or not scope.agencies:
            return []
        rows = (
            await session.scalars(
                select(Agency).where(Agency.id.in_(sorted(scope.agencies))).order_by(Agency.name)
            )
        ).all()
    choices = [AgencyChoice(a.id, a.name) for a in rows]
    return choices if len(choices) <= MAX_AGENCY_BUTTONS else []


async def find_organisers(
    db: Database,
    actor_id: int,
    admin_ids: Collection[int],
    needle: str,
    aliases: Mapping[str, Iterable[str]],
) -> list[AgencyChoice]:
    """Agencies in the actor's scope whose name or an alias contains ``needle`` (folded:
    no case, no diacritics), at most :data:`MAX_AGENCY_BUTTONS`."""
    folded = fold(needle)
    async with read_session(db.session_factory) as session:
        scope = await manager_scope(session, actor_id, admin_ids)
        rows = (
            await session.scalars(
                select(Agency).where(Agency.archived.is_(False)).order_by(Agency.name)
            )
        ).all()
    found = [
        AgencyChoice(a.id, a.name)
        for a in rows
        if scope.covers(a.id) and any(folded in fold(n) for n in [a.name, *aliases.get(a.id, ())])
    ]
    return found[:MAX_AGENCY_BUTTONS]


async def agency_name(db: Database, agency_id: str) -> str | None:
    async with read_session(db.session_factory) as session:
        agency = await session.get(Agency, agency_id)
    return agency.name if agency else None


async def open_edition(
    db: Database,
    draft: EditionDraft,
    actor_id: int,
    admin_ids: Collection[int],
    now: dt.datetime,
) -> CampaignEdition:
    async with write_session(db.session_factory) as session:
        return await create_edition(session, draft, actor_id=actor_id, now=now, admin_ids=admin_ids)


async def edit_field(
    db: Database,
    edition_id: int,
    field: str,
    value: object,
    actor_id: int,
    admin_ids: Collection[int],
    now: dt.datetime,
) -> tuple[CampaignEdition, list[VolunteerRegistration]]:
    """Change one field; returns the edition and the registrations the change moved up
    from the waitlist (a larger capacity), to be told."""
    async with write_session(db.session_factory) as session:
        edition, promoted_ids = await update_edition(
            session, edition_id, {field: value}, actor_id=actor_id, now=now, admin_ids=admin_ids
        )
        promoted = (
            list(
                (
                    await session.scalars(
                        select(VolunteerRegistration).where(
                            VolunteerRegistration.id.in_(promoted_ids)
                        )
                    )
                ).all()
            )
            if promoted_ids
            else []
        )
    return edition, promoted
