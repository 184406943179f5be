"""The last seat taken by two volunteers at the same moment (PostgreSQL, real concurrency).

Two connections each open a write transaction and register at once for an edition
with one free seat. The edition row lock serialises them: exactly one is confirmed,
the other is waitlisted, and the counter never exceeds the capacity.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, update

from bot.clock import ManualClock
from bot.db.engine import Database, write_session
from bot.db.models_volunteers import CampaignEdition, VolunteerRegistration
from bot.volunteers.registrations import Outcome, register
from tests.db.volunteers.helpers import edition, form, open_edition, seed_agencies

ROUNDS = 8


async def test_two_volunteers_race_for_the_last_seat(
    postgres_database: Database, clock: ManualClock
) -> None:
    db = postgres_database
    now = clock.now()
    await seed_agencies(db.session_factory, now)
    both_inside = asyncio.Barrier(2)

    async def attempt(edition_id: int, user: int) -> Outcome:
        async with write_session(db.session_factory) as s:
            # Both transactions are open before either registers.
            await s.execute(select(1))
            await both_inside.wait()
            result = await register(s, edition_id, user, form(user), now=now, accept_waitlist=True)
            return result.outcome

    for round_ in range(ROUNDS):
        eid = await open_edition(db.session_factory, now, capacity=2, name=f"Đợt {round_}")
        async with write_session(db.session_factory) as s:
            assert (await register(s, eid, 1, form(1), now=now)).outcome is Outcome.confirmed
        outcomes = await asyncio.gather(attempt(eid, 10 + round_), attempt(eid, 50 + round_))
        assert sorted(outcomes) == [Outcome.confirmed, Outcome.waitlisted], outcomes
        assert (await edition(db.session_factory, eid)).confirmed_count == 2
        async with db.session_factory() as s:
            confirmed = await s.scalar(
                select(func.count()).where(
                    VolunteerRegistration.edition_id == eid,
                    VolunteerRegistration.status == "confirmed",
                )
            )
        assert confirmed == 2


async def test_the_database_itself_refuses_overselling(
    postgres_database: Database, clock: ManualClock
) -> None:
    """Belt and braces: the CHECK constraint stops a write that skipped the lock."""
    from sqlalchemy.exc import IntegrityError

    db = postgres_database
    await seed_agencies(db.session_factory, clock.now())
    eid = await open_edition(db.session_factory, clock.now(), capacity=1)
    with pytest.raises(IntegrityError):
        async with write_session(db.session_factory) as s:
            await s.execute(
                update(CampaignEdition).where(CampaignEdition.id == eid).values(confirmed_count=2)
            )
