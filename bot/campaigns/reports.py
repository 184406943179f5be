"""For coordinators: registrant lists, CSV export, and counts per campaign for the digest.

Lists and exports check the caller's scope (they hold personal data); the counts carry
no personal data at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.access import ManagedAgencies
from bot.campaigns.editions import managed_edition
from bot.db.models import AuditLog
from bot.db.models_volunteers import (
    CampaignEdition,
    EditionStatus,
    RegistrationStatus,
    VolunteerRegistration,
)
from bot.volunteers.validation import display_phone


@dataclass(frozen=True)
class Registrant:
    registration_id: int
    status: str
    full_name: str | None
    phone: str | None
    commune: str | None
    district: str | None
    skills: tuple[str, ...]
    blood_group: str | None
    registered_at: dt.datetime
    erased: bool


async def registrants(
    session: AsyncSession,
    edition_id: int,
    *,
    actor_id: int,
    admin_ids: Collection[int] = (),
    include_cancelled: bool = False,
) -> tuple[CampaignEdition, list[Registrant]]:
    """The edition's registrants (confirmed first, then the waitlist in order)."""
    edition = await managed_edition(session, edition_id, actor_id, admin_ids)
    query = select(VolunteerRegistration).where(VolunteerRegistration.edition_id == edition_id)
    if not include_cancelled:
        query = query.where(
            VolunteerRegistration.status.in_(
                [RegistrationStatus.confirmed.value, RegistrationStatus.waitlisted.value]
            )
        )
    order = case(
        (VolunteerRegistration.status == RegistrationStatus.confirmed.value, 0),
        (VolunteerRegistration.status == RegistrationStatus.waitlisted.value, 1),
        else_=2,
    )
    rows = (await session.scalars(query.order_by(order, VolunteerRegistration.id))).all()
    return edition, [
        Registrant(
            registration_id=r.id,
            status=r.status,
            full_name=r.full_name,
            phone=r.phone,
            commune=r.commune,
            district=r.district,
            skills=tuple(r.skills or ()),
            blood_group=r.blood_group,
            registered_at=r.created_at,
            erased=r.erased_at is not None,
        )
        for r in rows
    ]


CSV_HEADER = (
    "registration_id",
    "status",
    "full_name",
    "phone",
    "commune_ward",
    "district_province",
    "skills",
    "blood_group",
    "registered_at",
)


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): prefix =, +, -, @ with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def registrants_csv(rows: Iterable[Registrant], tz: dt.tzinfo) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read Vietnamese correctly)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.registration_id,
                r.status,
                _safe_cell(r.full_name or ""),
                display_phone(r.phone) if r.phone else "",
                _safe_cell(r.commune or ""),
                _safe_cell(r.district or ""),
                " ".join(r.skills),
                r.blood_group or "",
                r.registered_at.astimezone(tz).isoformat(timespec="minutes"),
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


async def export_csv(
    session: AsyncSession,
    edition_id: int,
    *,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
    admin_ids: Collection[int] = (),
) -> tuple[CampaignEdition, bytes, int]:
    """CSV of an edition's registrants for a coordinator who manages it; audited."""
    edition, rows = await registrants(session, edition_id, actor_id=actor_id, admin_ids=admin_ids)
    session.add(
        AuditLog(
            actor_id=actor_id,
            action="campaign.export",
            object_type="campaign_edition",
            object_id=str(edition_id),
            details={"rows": len(rows)},
            at=now,
        )
    )
    return edition, registrants_csv(rows, tz), len(rows)


@dataclass(frozen=True)
class EditionCounts:
    """Registrations per campaign edition, for the weekly digest (no personal data)."""

    edition_id: int
    name: str
    organiser_agency_id: str
    starts_at: dt.datetime
    status: str
    capacity: int | None
    confirmed: int
    waitlisted: int
    cancelled: int
    new_since: int  # registrations created since ``since``


async def counts_per_edition(
    session: AsyncSession,
    *,
    now: dt.datetime,
    since: dt.datetime | None = None,
    scope: ManagedAgencies | None = None,
    agency_ids: Collection[str] | None = None,
) -> list[EditionCounts]:
    """Counts for editions not ended (or ended since ``since``), optionally within a scope.

    ``agency_ids`` (organisers) or a :class:`ManagedAgencies` narrows the list; None means all.
    """
    since = since or now - dt.timedelta(days=7)
    reg = VolunteerRegistration

    def count(status: RegistrationStatus) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((reg.status == status.value, 1), else_=0)), 0)

    query = (
        select(
            CampaignEdition,
            count(RegistrationStatus.confirmed),
            count(RegistrationStatus.waitlisted),
            count(RegistrationStatus.cancelled),
            func.coalesce(func.sum(case((reg.created_at >= since, 1), else_=0)), 0),
        )
        .outerjoin(reg, reg.edition_id == CampaignEdition.id)
        .where(
            CampaignEdition.status != EditionStatus.cancelled.value,
            CampaignEdition.ends_at >= since,
        )
        .group_by(CampaignEdition.id)
        .order_by(CampaignEdition.starts_at, CampaignEdition.id)
    )
    allowed: Collection[str] | None = agency_ids
    if scope is not None and not scope.everything:
        allowed = scope.agencies if allowed is None else set(allowed) & scope.agencies
    if allowed is not None:
        query = query.where(CampaignEdition.organiser_agency_id.in_(sorted(allowed)))
    rows = (await session.execute(query)).all()
    return [
        EditionCounts(
            edition_id=e.id,
            name=e.name,
            organiser_agency_id=e.organiser_agency_id,
            starts_at=e.starts_at,
            status=e.status,
            capacity=e.capacity,
            confirmed=int(c),
            waitlisted=int(w),
            cancelled=int(x),
            new_since=int(n),
        )
        for e, c, w, x, n in rows
    ]


async def registrations_for_digest(
    session: AsyncSession, scope_agency_ids: frozenset[str] | None, now: dt.datetime
) -> list[tuple[str, int]]:
    """The weekly digest's hook: (campaign edition, confirmed volunteers) in a scope.

    ``scope_agency_ids`` None means every organiser. Editions not ended, or ended in
    the last seven days; no personal data.
    """
    counts = await counts_per_edition(
        session, now=now, agency_ids=None if scope_agency_ids is None else scope_agency_ids
    )
    return [(c.name, c.confirmed) for c in counts]
