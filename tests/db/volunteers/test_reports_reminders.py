"""Registrant lists and CSV export (coordinators only), digest counts, day-before reminders."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.campaigns.access import NotAllowed
from bot.campaigns.reports import counts_per_edition, export_csv, registrants
from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, read_session, write_session
from bot.volunteers.registrations import register
from bot.volunteers.reminders import CampaignReminder, due_reminders, send_due_reminders
from tests.db.volunteers.helpers import (
    COORDINATOR,
    ORGANISER,
    OTHER_AGENCY,
    OTHER_COORDINATOR,
    form,
    open_edition,
    seed_agencies,
)


@pytest.fixture
async def db(database: Database, clock: ManualClock) -> Database:
    await seed_agencies(database.session_factory, clock.now())
    return database


async def test_export_is_for_the_organisers_coordinators_only(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now, capacity=1)
    async with write_session(db.session_factory) as s:
        await register(s, eid, 1, form(1, commune="=HYPERLINK(1)"), now=now)
        await register(
            s,
            eid,
            2,
            form(2, blood_group="o+", skills=["blood_donation"]),
            now=now,
            accept_waitlist=True,
        )
    with pytest.raises(NotAllowed):
        async with read_session(db.session_factory) as s:
            await registrants(s, eid, actor_id=OTHER_COORDINATOR)
    with pytest.raises(NotAllowed):
        async with write_session(db.session_factory) as s:
            await export_csv(s, eid, actor_id=31337, now=now, tz=VN_TZ)
    async with write_session(db.session_factory) as s:
        _, data, n = await export_csv(s, eid, actor_id=COORDINATOR, now=now, tz=VN_TZ)
    assert n == 2
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["registration_id", "status", "full_name", "phone"]
    assert [r[1] for r in rows[1:]] == ["confirmed", "waitlisted"]
    assert rows[1][4] == "'=HYPERLINK(1)"  # formula neutralised
    assert rows[2][2] == "Nguyễn Thị Hoà C" and rows[2][3] == "0912 345 602"
    assert rows[2][6:8] == ["blood_donation", "O+"]


async def test_counts_per_edition_for_the_digest(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    eid = await open_edition(db.session_factory, now, capacity=1)
    empty = await open_edition(db.session_factory, now, name="Tháng Nhân đạo")
    async with write_session(db.session_factory) as s:
        await register(s, eid, 1, form(1), now=now)
    now = clock.advance(days=8)
    async with write_session(db.session_factory) as s:
        await register(s, eid, 2, form(2), now=now, accept_waitlist=True)
    async with read_session(db.session_factory) as s:
        counts = {c.edition_id: c for c in await counts_per_edition(s, now=now)}
        mine = await counts_per_edition(s, now=now, agency_ids=[ORGANISER])
        others = await counts_per_edition(s, now=now, agency_ids=[OTHER_AGENCY])
    c = counts[eid]
    assert (c.confirmed, c.waitlisted, c.cancelled, c.capacity) == (1, 1, 0, 1)
    assert c.new_since == 1  # one registration in the last seven days
    assert (counts[empty].confirmed, counts[empty].new_since) == (0, 0)
    assert {x.edition_id for x in mine} == {eid, empty}
    assert others == []


async def test_reminder_the_day_before_sent_once(db: Database, clock: ManualClock) -> None:
    # Clock: Monday 2026-03-02 09:00. Campaign on Wednesday 08:00; another next week.
    start = dt.datetime(2026, 3, 4, 8, 0, tzinfo=VN_TZ)
    eid = await open_edition(db.session_factory, clock.now(), starts_in=start - clock.now())
    later = await open_edition(db.session_factory, clock.now(), starts_in=dt.timedelta(days=9))
    async with write_session(db.session_factory) as s:
        await register(s, eid, 1, form(1), now=clock.now(), language="en")
        await register(s, later, 1, form(1), now=clock.now())
    delivered: list[CampaignReminder] = []

    async def deliver(session: object, reminder: CampaignReminder) -> bool:
        delivered.append(reminder)
        return True

    sf = db.session_factory
    assert await send_due_reminders(sf, deliver, now=clock.now(), tz=VN_TZ) == 0  # Monday
    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ))  # Tuesday: the day before
    assert await send_due_reminders(sf, deliver, now=clock.now(), tz=VN_TZ) == 1
    assert [(r.edition_id, r.chat_id, r.language) for r in delivered] == [(eid, 1, "en")]
    clock.advance(hours=2)
    assert await send_due_reminders(sf, deliver, now=clock.now(), tz=VN_TZ) == 0  # once


async def test_failed_delivery_is_retried(db: Database, clock: ManualClock) -> None:
    eid = await open_edition(db.session_factory, clock.now(), starts_in=dt.timedelta(hours=20))
    async with write_session(db.session_factory) as s:
        await register(s, eid, 1, form(1), now=clock.now())
    attempts: list[int] = []

    async def flaky(session: object, reminder: CampaignReminder) -> bool:
        attempts.append(reminder.registration_id)
        if len(attempts) == 1:
            raise ConnectionError("network down")
        return len(attempts) > 2

    sf = db.session_factory
    assert await send_due_reminders(sf, flaky, now=clock.now(), tz=VN_TZ) == 0  # raised
    assert await send_due_reminders(sf, flaky, now=clock.now(), tz=VN_TZ) == 0  # refused
    assert await send_due_reminders(sf, flaky, now=clock.now(), tz=VN_TZ) == 1
    async with read_session(sf) as s:
        assert await due_reminders(s, clock.now(), VN_TZ) == []
    assert len(attempts) == 3


async def test_erasure_takes_queued_and_sent_reminders_out_of_the_outbox(
    db: Database, clock: ManualClock
) -> None:
    from sqlalchemy import func, select

    from bot.db.models_scheduler import OutboxMessage
    from bot.volunteers.registrations import erase_personal_data
    from bot.volunteers.reminders import OUTBOX_KIND, outbox_key
    from scheduler.outbox import Outgoing, enqueue

    eid = await open_edition(db.session_factory, clock.now(), starts_in=dt.timedelta(hours=20))
    async with write_session(db.session_factory) as s:
        mine = await register(s, eid, 1, form(1), now=clock.now())
        other = await register(s, eid, 2, form(2), now=clock.now())
        assert mine.registration and other.registration
        queued = [
            Outgoing(outbox_key(r.id), r.user_id or 0, OUTBOX_KIND, "…", clock.now())
            for r in (mine.registration, other.registration)
        ]
        assert await enqueue(s, queued, clock.now()) == 2
    async with write_session(db.session_factory) as s:
        await erase_personal_data(s, 1, now=clock.now())
    async with read_session(db.session_factory) as s:
        left = (await s.scalars(select(OutboxMessage.dedupe_key))).all()
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert left == [outbox_key(other.registration.id)]


async def test_no_reminder_in_the_quiet_hours_20_to_7(db: Database, clock: ManualClock) -> None:
    # Campaign on Wednesday 2026-03-04 at 18:00: its day-before window opens Tuesday 18:00.
    start = dt.datetime(2026, 3, 4, 18, 0, tzinfo=VN_TZ)
    eid = await open_edition(db.session_factory, clock.now(), starts_in=start - clock.now())
    async with write_session(db.session_factory) as s:
        await register(s, eid, 1, form(1), now=clock.now())
    async with read_session(db.session_factory) as s:
        evening = dt.datetime(2026, 3, 3, 20, 0, tzinfo=VN_TZ)  # quiet from 20:00 on
        assert await due_reminders(s, now=evening, tz=VN_TZ) == []
        before_seven = dt.datetime(2026, 3, 4, 6, 59, tzinfo=VN_TZ)
        assert await due_reminders(s, now=before_seven, tz=VN_TZ) == []
        seven = dt.datetime(2026, 3, 4, 7, 0, tzinfo=VN_TZ)
        assert [r.edition_id for r in await due_reminders(s, now=seven, tz=VN_TZ)] == [eid]
