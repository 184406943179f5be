"""Campaign editions as a volunteer sees them: the ones open for registration now.

The coordinators' side (open, edit, close, list what they manage) is
:mod:`bot.campaigns.editions`, which builds on this module.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_volunteers import CampaignEdition, EditionStatus


async def get_edition(
    session: AsyncSession, edition_id: int, *, lock: bool = False
) -> CampaignEdition | None:
    """The edition, optionally locked ``FOR UPDATE`` (PostgreSQL) for the transaction."""
    query = select(CampaignEdition).where(CampaignEdition.id == edition_id)
    if lock:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


def registration_open(edition: CampaignEdition, now: dt.datetime) -> bool:
    return (
        edition.status == EditionStatus.open.value
        and edition.registration_opens_at <= now <= edition.registration_closes_at
        and now < edition.ends_at
    )


async def list_open_editions(session: AsyncSession, now: dt.datetime) -> list[CampaignEdition]:
    """Editions a volunteer can register for right now, soonest first."""
    query = (
        select(CampaignEdition)
        .where(
            CampaignEdition.status == EditionStatus.open.value,
            CampaignEdition.registration_opens_at <= now,
            CampaignEdition.registration_closes_at >= now,
            CampaignEdition.ends_at > now,
        )
        .order_by(CampaignEdition.starts_at, CampaignEdition.id)
    )
    return list((await session.scalars(query)).all())
