"""The demo's accounts, one per role, and its sample data (``python -m bot demo`` only).

Everything here is visibly sample data: campaigns, notes and volunteers' places carry
"(dữ liệu mẫu)". It is written through the feature services (join codes, coordinator
grants, campaign editions, registrations, progress updates), never by raw SQL, and only
once per database: :func:`seed` does nothing when the sample campaign is already there.
Join codes are stored hashed, so fresh ones are issued at each start and shown then.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select

from bot.access import ensure_user
from bot.admin.coordinators import grant
from bot.campaigns.editions import EditionDraft, create_edition
from bot.clock import Clock
from bot.db.engine import Database, write_session
from bot.db.models import Status
from bot.db.models_volunteers import CampaignEdition
from bot.i18n import N_
from bot.membership import IssuedCode
from bot.membership.service import issue, join
from bot.progress.service import agency_tasks, record_update
from bot.scope import Scope
from bot.session import Actor
from bot.settings import Settings
from bot.volunteers.registrations import RegistrationForm, register
from scheduler.actions import set_deadline

log = logging.getLogger(__name__)

SAMPLE = "(dữ liệu mẫu)"  # the mark on every piece of sample data, in any language


@dataclass(frozen=True)
class DemoAccount:
    """A demo user: ``label`` is an English msgid (N_) naming the role."""

    key: str
    user_id: int
    first_name: str
    label: str
    agency_id: str | None = None  # the agency an officer belongs to


CITIZEN = DemoAccount("citizen", 990_001, "Bạn", N_("Citizen"))
OFFICER_MOHA = DemoAccount(
    "officer_moha", 990_002, "Lan", N_("Officer, Ministry of Home Affairs"), "bo_noi_vu"
)
OFFICER_HEALTH = DemoAccount(
    "officer_health",
    990_003,
    "Hùng",
    N_("Officer, Lai Châu Department of Health"),
    "so_y_te_lai_chau",
)
COORDINATOR = DemoAccount(
    "coordinator", 990_004, "Mai", N_("Coordinator, provincial Red Cross (Lai Châu)")
)
ADMIN = DemoAccount("admin", 990_005, "Quang", N_("Administrator"))
VOLUNTEER = DemoAccount("volunteer", 990_006, "Hoa", N_("Volunteer"))

ACCOUNTS: list[DemoAccount] = [
    CITIZEN,
    OFFICER_MOHA,
    OFFICER_HEALTH,
    COORDINATOR,
    ADMIN,
    VOLUNTEER,
]
OFFICERS = [OFFICER_MOHA, OFFICER_HEALTH]
COORDINATOR_SCOPE = Scope(level="province", place="Lai Châu")
ORGANISER = "hoi_ctd_tinh_lai_chau"
OPEN_CAMPAIGN = f"Hiến máu tình nguyện mùa xuân {SAMPLE}"
FULL_CAMPAIGN = f"Sơ cấp cứu cộng đồng {SAMPLE}"
#: sample volunteers already registered: (user id, name, phone)
SAMPLE_VOLUNTEERS = [
    (990_101, "Nguyễn Văn Mẫu", "0900000101"),
    (990_102, "Trần Thị Mẫu", "0900000102"),
]


def actor(account: DemoAccount) -> Actor:
    return Actor(account.user_id, account.first_name, "vi")


async def seeded(db: Database) -> bool:
    async with write_session(db.session_factory) as s:
        found = await s.scalar(
            select(CampaignEdition.id).where(CampaignEdition.name == OPEN_CAMPAIGN)
        )
    return found is not None


async def seed(db: Database, settings: Settings, clock: Clock) -> bool:
    """Write the sample data once; True when it was written now."""
    if await seeded(db):
        return False
    now = clock.now()
    admin = actor(ADMIN)
    for account in ACCOUNTS:
        async with write_session(db.session_factory) as s:
            await ensure_user(s, clock, account.user_id)
    # the two officers join their agencies with a code, as a real officer would
    for officer in OFFICERS:
        assert officer.agency_id
        code = await issue(db, settings, clock, admin, officer.agency_id)
        await join(db, settings, clock, actor(officer), code.code)
    await grant(db, settings, clock, admin, COORDINATOR.user_id, COORDINATOR_SCOPE)
    await _campaigns(db, settings, clock, now)
    await _progress(db, clock)
    log.info("demo sample data written")
    return True


async def _campaigns(db: Database, settings: Settings, clock: Clock, now: dt.datetime) -> None:
    starts = (now + dt.timedelta(days=10)).replace(hour=7, minute=30, second=0, microsecond=0)
    editions = []
    async with write_session(db.session_factory) as s:
        for name, capacity in ((OPEN_CAMPAIGN, 50), (FULL_CAMPAIGN, 3)):
            draft = EditionDraft(
                name=name,
                organiser_agency_id=ORGANISER,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
                description=f"Chiến dịch mẫu của bản dùng thử {SAMPLE}",
                place=f"Thành phố Lai Châu {SAMPLE}",
                capacity=capacity,
            )
            edition = await create_edition(
                s, draft, actor_id=ADMIN.user_id, now=now, admin_ids=settings.admin_user_ids
            )
            editions.append(edition.id)
    for edition_id in editions:
        for user_id, name, phone in SAMPLE_VOLUNTEERS:
            async with write_session(db.session_factory) as s:
                await ensure_user(s, clock, user_id)
                form = RegistrationForm(
                    full_name=name,
                    phone=phone,
                    commune="Phường Tân Phong",
                    district="Thành phố Lai Châu",
                    consent=True,
                )
                await register(s, edition_id, user_id, form, now=now)


#: the Lai Châu plan's tasks of Sở Y tế carry no date: the demo coordinator sets one
#: (as with /hanchot), a past one, so the digest and /tiendo show a late task
LATE_TASK = "kh_lai_chau_iii_4_1"
LATE_BY = dt.timedelta(days=20)


async def _progress(db: Database, clock: Clock) -> None:
    """Updates of both officers: work going on (one of them late), one task done."""
    today = clock.now().date()
    await set_deadline(
        db.session_factory, COORDINATOR.user_id, LATE_TASK, today - LATE_BY, clock.now()
    )
    plans = [
        (OFFICER_MOHA, "qd895_pl_ii_2", Status.in_progress, 40),
        (OFFICER_HEALTH, LATE_TASK, Status.in_progress, 30),
        (OFFICER_HEALTH, "kh_lai_chau_iii_4_2", Status.done, 100),
    ]
    for officer, task_id, status, percent in plans:
        assert officer.agency_id
        async with write_session(db.session_factory) as s:
            if task_id not in {c.task_id for c in await agency_tasks(s, officer.agency_id)}:
                log.warning("demo: task %s is no longer in the documents", task_id)
                continue
            await record_update(
                s,
                clock,
                user_id=officer.user_id,
                agency_id=officer.agency_id,
                task_id=task_id,
                status=status.value,
                percent=percent,
                note=f"Cập nhật mẫu {SAMPLE}",
            )


async def join_codes(db: Database, settings: Settings, clock: Clock) -> list[IssuedCode]:
    """A fresh join code per demo agency (several uses, a week), to show the user."""
    admin = actor(ADMIN)
    return [
        await issue(db, settings, clock, admin, officer.agency_id, uses=10, days=7)
        for officer in OFFICERS
        if officer.agency_id
    ]
