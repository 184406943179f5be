"""Volunteer registrations are kept identifiable only while they serve the campaign.

:data:`ANONYMISE_AFTER_DAYS` days after a campaign edition ended, its registrations lose
everything personal (Telegram ids, name, phone, commune, district, blood group, skills),
as /xoadulieu does; the rows and their status stay, so the counts per campaign (digest,
reports) are kept. 30 days: long enough for the organiser to follow up with the people
who came (thanks, a certificate, a question about the day) and to close the campaign's
report, short enough that no list of donors and phone numbers outlives its purpose
(NĐ 13/2023: data kept only as long as its purpose needs).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditLog
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration

ANONYMISE_AFTER_DAYS = 30


async def anonymise_ended(
    session: AsyncSession, now: dt.datetime, days: int = ANONYMISE_AFTER_DAYS
) -> int:
    """Anonymise the registrations of editions that ended ``days`` days ago or more;
    the number anonymised (each only once)."""
    regs = (
        await session.scalars(
            select(VolunteerRegistration)
            .join(CampaignEdition, CampaignEdition.id == VolunteerRegistration.edition_id)
            .where(
                CampaignEdition.ends_at <= now - dt.timedelta(days=days),
                VolunteerRegistration.erased_at.is_(None),
            )
            .order_by(VolunteerRegistration.id)
        )
    ).all()
    for reg in regs:
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
        session.add(
            AuditLog(
                actor_id=None,
                action="volunteer.anonymise",
                object_type="volunteer_registration",
                object_id=str(len(regs)),
                details={"count": len(regs), "after_days": days},
                at=now,
            )
        )
    await session.flush()
    return len(regs)
