"""Registration, duplicates, capacity, waitlist promotion and erasure (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.campaigns.access import NotAllowed
from bot.campaigns.editions import (
    EditionDraft,
    close_edition,
    create_edition,
    list_managed_editions,
    update_edition,
)
from bot.campaigns.reports import counts_per_edition
from bot.clock import ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.db.models import AuditLog
from bot.db.models_volunteers import VolunteerRegistration
from bot.volunteers.editions import list_open_editions
from bot.volunteers.registrations import (
    Outcome,
    cancel_registration,
    erase_personal_data,
    my_registrations,
    personal_data_export,
    register,
)
from bot.volunteers.validation import InvalidInput
from tests.db.volunteers.helpers import (
    ADMIN,
    COORDINATOR,
    ORGANISER,
    OTHER_COORDINATOR,
    edition,
    form,
    open_edition,
    seed_agencies,
)


@pytest.fixture
async def db(database: Database, clock: ManualClock) -> Database:
    await seed_agencies(database.session_factory, clock.now())
    return database


async def _register(db: Database, edition_id: int, user: int, now: dt.datetime, **kw: object):
    async with write_session(db.session_factory) as s:
        return await register(s, edition_id, user, form(user), now=now, **kw)  # type: ignore[arg-type]


async def test_register_then_duplicate_is_recognised(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now)
    first = await _register(db, eid, 100, now)
    assert first.outcome is Outcome.confirmed
    assert first.registration is not None and first.registration.phone == "+84912345600"
    again = await _register(db, eid, 100, now)
    assert again.outcome is Outcome.duplicate
    assert again.registration is not None and again.registration.id == first.registration.id
    assert (await edition(db.session_factory, eid)).confirmed_count == 1


async def test_full_edition_offers_waitlist_then_cancellation_promotes_first(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now, capacity=1)
    assert (await _register(db, eid, 1, now)).outcome is Outcome.confirmed
    assert (await _register(db, eid, 2, now)).outcome is Outcome.full
    second = await _register(db, eid, 2, now, accept_waitlist=True)
    third = await _register(db, eid, 3, now, accept_waitlist=True)
    assert (second.outcome, second.waitlist_position) == (Outcome.waitlisted, 1)
    assert (third.outcome, third.waitlist_position) == (Outcome.waitlisted, 2)

    async with write_session(db.session_factory) as s:
        mine = await my_registrations(s, 1, now=now)
        # someone else cannot cancel it
        forged = await cancel_registration(s, mine[0].registration_id, 3, now=now)
        assert forged.cancelled is None
    clock.advance(hours=1)
    async with write_session(db.session_factory) as s:
        result = await cancel_registration(s, mine[0].registration_id, 1, now=clock.now())
    assert result.cancelled is not None
    assert [r.user_id for r in result.promoted] == [2]
    assert result.promoted[0].promoted_at == clock.now()
    async with read_session(db.session_factory) as s:
        listed = await my_registrations(s, 3, now=clock.now())
        assert [(r.status, r.waitlist_position) for r in listed] == [("waitlisted", 1)]
    assert (await edition(db.session_factory, eid)).confirmed_count == 1


async def test_cancelling_a_waitlisted_place_promotes_nobody(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now, capacity=1)
    await _register(db, eid, 1, now)
    waiting = await _register(db, eid, 2, now, accept_waitlist=True)
    assert waiting.registration is not None
    async with write_session(db.session_factory) as s:
        result = await cancel_registration(s, waiting.registration.id, 2, now=now)
    assert result.cancelled is not None and result.promoted == []
    assert (await edition(db.session_factory, eid)).confirmed_count == 1


async def test_closed_window_and_closed_edition_refuse(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now, starts_in=dt.timedelta(days=1))
    clock.advance(days=2)  # the campaign has started: registration window is over
    assert (await _register(db, eid, 1, clock.now())).outcome is Outcome.closed
    eid2 = await open_edition(db.session_factory, clock.now())
    async with write_session(db.session_factory) as s:
        await close_edition(s, eid2, actor_id=COORDINATOR, now=clock.now())
    assert (await _register(db, eid2, 1, clock.now())).outcome is Outcome.closed
    async with read_session(db.session_factory) as s:
        assert await list_open_editions(s, clock.now()) == []


async def test_form_is_validated_in_the_domain(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now)
    async with write_session(db.session_factory) as s:
        with pytest.raises(InvalidInput, match="no_consent"):
            await register(s, eid, 1, form(consent=False), now=now)
        with pytest.raises(InvalidInput, match="phone_format"):
            await register(s, eid, 1, form(phone="0123"), now=now)


async def test_only_coordinators_of_the_organiser_manage_editions(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    draft = EditionDraft(
        name="Tết Nhân ái 2027",
        organiser_agency_id=ORGANISER,
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=31),
    )
    for intruder in (OTHER_COORDINATOR, 424242):
        with pytest.raises(NotAllowed):
            async with write_session(db.session_factory) as s:
                await create_edition(s, draft, actor_id=intruder, now=now)
    async with write_session(db.session_factory) as s:
        created = await create_edition(s, draft, actor_id=ADMIN, now=now, admin_ids={ADMIN})
    with pytest.raises(NotAllowed):
        async with write_session(db.session_factory) as s:
            await close_edition(s, created.id, actor_id=OTHER_COORDINATOR, now=now)
    async with read_session(db.session_factory) as s:
        assert [e.id for e in await list_managed_editions(s, COORDINATOR, now=now)] == [created.id]
        assert await list_managed_editions(s, OTHER_COORDINATOR, now=now) == []
        audit = (await s.scalars(select(AuditLog.action))).all()
    assert "campaign.create" in audit


async def test_growing_capacity_promotes_and_shrinking_below_confirmed_is_refused(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now, capacity=1)
    for user in (1, 2, 3):
        await _register(db, eid, user, now, accept_waitlist=True)
    async with write_session(db.session_factory) as s:
        _, promoted = await update_edition(s, eid, {"capacity": 2}, actor_id=COORDINATOR, now=now)
    assert len(promoted) == 1
    with pytest.raises(InvalidInput, match="capacity_below_confirmed"):
        async with write_session(db.session_factory) as s:
            await update_edition(s, eid, {"capacity": 1}, actor_id=COORDINATOR, now=now)
    assert (await edition(db.session_factory, eid)).confirmed_count == 2


async def test_erasure_anonymises_keeps_counts_and_frees_future_seats(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    past = await open_edition(db.session_factory, now, starts_in=dt.timedelta(hours=2))
    future = await open_edition(db.session_factory, now, capacity=1)
    await _register(db, past, 7, now)
    await _register(db, future, 7, now)
    await _register(db, future, 8, now, accept_waitlist=True)
    clock.advance(hours=3)  # the first campaign is under way
    async with write_session(db.session_factory) as s:
        result = await erase_personal_data(s, 7, now=clock.now())
    assert result.anonymised == 2
    assert [r.user_id for r in result.promoted] == [8]
    async with read_session(db.session_factory) as s:
        rows = (
            await s.scalars(
                select(VolunteerRegistration).where(VolunteerRegistration.erased_at.is_not(None))
            )
        ).all()
        assert len(rows) == 2
        for row in rows:
            assert row.user_id is None and row.chat_id is None
            assert row.full_name is row.phone is row.commune is row.district is None
            assert row.skills is None and row.blood_group is None
        assert await my_registrations(s, 7, now=clock.now()) == []
        assert (await personal_data_export(s, 7))["registrations"] == []
        kept = await personal_data_export(s, 8)
        assert [r["full_name"] for r in kept["registrations"]] == ["Nguyễn Thị Hoà I"]
        counts = {c.edition_id: c for c in await counts_per_edition(s, now=clock.now())}
    assert counts[past].confirmed == 1  # kept: the campaign happened with this volunteer
    assert (counts[future].confirmed, counts[future].cancelled) == (1, 1)
