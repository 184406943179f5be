"""Shared set-up for the volunteer tests: agencies, a coordinator, an open edition."""

from __future__ import annotations

import datetime as dt

from bot.campaigns.editions import EditionDraft, create_edition
from bot.db.engine import SessionFactory, write_session
from bot.db.models import Agency, Role, User
from bot.db.models_volunteers import CampaignEdition
from bot.volunteers.registrations import RegistrationForm

ORGANISER = "hoi_ctd_tinh_test"
OTHER_AGENCY = "so_y_te_test"
COORDINATOR = 5001
OTHER_COORDINATOR = 5002
ADMIN = 9001


async def seed_agencies(factory: SessionFactory, now: dt.datetime) -> None:
    """Two agencies, a coordinator for the first and one for the second."""
    async with write_session(factory) as s:
        s.add_all(
            [
                Agency(id=ORGANISER, name="Hội CTĐ tỉnh", level="province", synced_at=now),
                Agency(id=OTHER_AGENCY, name="Sở Y tế", level="province", synced_at=now),
                User(id=COORDINATOR, created_at=now),
                User(id=OTHER_COORDINATOR, created_at=now),
            ]
        )
        await s.flush()
        s.add_all(
            [
                Role(
                    user_id=COORDINATOR,
                    role="coordinator",
                    scope_agencies=[ORGANISER],
                    granted_by=ADMIN,
                    granted_at=now,
                ),
                Role(
                    user_id=OTHER_COORDINATOR,
                    role="coordinator",
                    scope_agencies=[OTHER_AGENCY],
                    granted_by=ADMIN,
                    granted_at=now,
                ),
            ]
        )


async def open_edition(
    factory: SessionFactory,
    now: dt.datetime,
    *,
    capacity: int | None = None,
    starts_in: dt.timedelta = dt.timedelta(days=10),
    name: str = "Hiến máu tình nguyện — đợt 1",
) -> int:
    async with write_session(factory) as s:
        edition = await create_edition(
            s,
            EditionDraft(
                name=name,
                organiser_agency_id=ORGANISER,
                starts_at=now + starts_in,
                ends_at=now + starts_in + dt.timedelta(hours=8),
                place="Nhà văn hoá phường Tân Phong",
                capacity=capacity,
                campaign_key="hien_mau_tinh_nguyen",
            ),
            actor_id=COORDINATOR,
            now=now,
        )
        return edition.id


async def edition(factory: SessionFactory, edition_id: int) -> CampaignEdition:
    async with factory() as s:
        found = await s.get(CampaignEdition, edition_id)
        assert found is not None
        return found


def form(n: int = 0, **overrides: object) -> RegistrationForm:
    values: dict[str, object] = {
        "full_name": f"Nguyễn Thị Hoà {chr(ord('A') + n % 26)}",
        "phone": f"09123456{n % 100:02d}",
        "commune": "Phường Tân Phong",
        "district": "Thành phố Lai Châu",
        "skills": ["first_aid"],
        "blood_group": None,
        "consent": True,
    }
    values.update(overrides)
    return RegistrationForm(**values)  # type: ignore[arg-type]
