"""Issue 12 #9: data kept no longer than its purpose (moved clock, SQLite and PostgreSQL).

- stored conversation states and form drafts untouched for 24 hours are purged (the
  language a person chose stays);
- unanswered questions and ratings go after one year;
- volunteer registrations are anonymised 30 days after their campaign ended (counts kept).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.curation.privacy import purge_old
from bot.curation.questions import store_question
from bot.db.engine import Database, read_session, write_session
from bot.db.models import BotState
from bot.db.models_curation import QuestionKind, UnansweredQuestion
from bot.db.models_volunteers import VolunteerRegistration
from bot.db.persistence import DatabasePersistence, purge_stale_state
from bot.volunteers.registrations import register
from bot.volunteers.retention import ANONYMISE_AFTER_DAYS, anonymise_ended
from tests.db.volunteers.helpers import form, open_edition, seed_agencies


async def test_stale_drafts_and_conversation_states_leave_the_store(
    database: Database, clock: ManualClock
) -> None:
    persistence = DatabasePersistence(database=database, clock=clock)
    await persistence.update_user_data(1, {"lang": "en", "volunteer_draft": {"full_name": "Lan"}})
    await persistence.update_conversation("volunteer_registration", (1, 1), 2)
    await persistence.update_chat_data(1, {"last": {"ctx": "x"}})
    clock.advance(hours=23)
    await persistence.update_user_data(2, {"capnhat": {"task": "t"}})  # touched recently
    purged = await purge_stale_state(database, clock.now())
    assert purged.users == [] and purged.conversations == []
    clock.advance(hours=2)  # 25 hours after the first, 2 after the second
    purged = await purge_stale_state(database, clock.now())
    assert purged.users == [1] and purged.chats == [1]
    assert purged.conversations == [("volunteer_registration", (1, 1))]
    async with read_session(database.session_factory) as session:
        rows = {
            (r.namespace, r.key): r.data
            for r in (await session.scalars(select(BotState))).all()
            if r.namespace != "curation"
        }
    assert rows == {("user", "1"): {"lang": "en"}, ("user", "2"): {"capnhat": {"task": "t"}}}


async def test_unanswered_questions_are_purged_after_a_year(
    database: Database, clock: ManualClock
) -> None:
    async with write_session(database.session_factory) as session:
        await store_question(
            session,
            at=clock.now(),
            pseudonym="p",
            text="ai lam app hien mau",
            lang="vi",
            kind=QuestionKind.refused,
            confidence=0.1,
            candidates=[],
        )
    clock.advance(days=364)
    async with write_session(database.session_factory) as session:
        assert await purge_old(session, clock.now()) == 0
    clock.advance(days=2)
    async with write_session(database.session_factory) as session:
        assert await purge_old(session, clock.now()) == 1
        assert await session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0


async def test_registrations_are_anonymised_after_the_campaign_ended(
    database: Database, clock: ManualClock
) -> None:
    await seed_agencies(database.session_factory, clock.now())
    ended = await open_edition(
        database.session_factory, clock.now(), starts_in=dt.timedelta(days=1)
    )
    later = await open_edition(
        database.session_factory, clock.now(), starts_in=dt.timedelta(days=40), name="Đợt 2"
    )
    async with write_session(database.session_factory) as session:
        await register(session, ended, 11, form(1, blood_group="O+"), now=clock.now())
        await register(session, ended, 12, form(2), now=clock.now())
        await register(session, later, 11, form(1), now=clock.now())
    clock.advance(days=ANONYMISE_AFTER_DAYS, hours=8)  # ended a day short of the period
    async with write_session(database.session_factory) as session:
        assert await anonymise_ended(session, clock.now()) == 0
    clock.advance(days=1, hours=1)  # ended just over ANONYMISE_AFTER_DAYS days ago
    async with write_session(database.session_factory) as session:
        assert await anonymise_ended(session, clock.now()) == 2
    async with write_session(database.session_factory) as session:
        assert await anonymise_ended(session, clock.now()) == 0  # once
    async with read_session(database.session_factory) as session:
        regs = (
            await session.scalars(select(VolunteerRegistration).order_by(VolunteerRegistration.id))
        ).all()
    old, other, kept = regs
    for reg in (old, other):
        assert (reg.user_id, reg.full_name, reg.phone, reg.commune, reg.district) == (None,) * 5
        assert (reg.blood_group, reg.skills, reg.chat_id) == (None, None, None)
        assert reg.status == "confirmed" and reg.erased_at == clock.now()
    assert kept.full_name is not None and kept.user_id == 11  # its campaign is still ahead
