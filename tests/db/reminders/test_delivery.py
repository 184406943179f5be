"""The delivery path against the emulator (real PTB Bot over HTTP) and a real database.

Flood limits are enforced by the emulator (HTTP 429 with retry_after), blocked chats
answer 403; the outbox lives in SQLite / PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.clock import VN_TZ, ManualClock
from bot.db.engine import Database, connect, write_session
from bot.db.models_scheduler import ChatState, OutboxMessage
from emulator import Emulator
from handlers.sender import TelegramSender
from scheduler.delivery import (
    MAX_UNSTORED,
    RETRY_FOR,
    Deliverer,
    FloodLimiter,
    FloodLimits,
    failed_deliveries,
)
from scheduler.outbox import Outgoing, enqueue

NOW = dt.datetime(2027, 3, 3, 9, 0, tzinfo=VN_TZ)  # a Wednesday, 09:00


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = await Emulator(enforce_flood=True).start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    request = HTTPXRequest(connection_pool_size=64)
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as b:
        yield b


async def queue(db: Database, chat_ids: list[int], tag: str = "m", at: dt.datetime = NOW) -> None:
    async with write_session(db.session_factory) as s:
        await enqueue(
            s,
            [
                Outgoing(f"{tag}:{i}:{chat}", chat, "test", f"{tag} {i} → {chat}", at)
                for i, chat in enumerate(chat_ids)
            ],
            at,
        )


async def statuses(db: Database) -> dict[str, int]:
    async with db.session_factory() as s:
        rows = (await s.execute(select(OutboxMessage.status))).scalars().all()
    out: dict[str, int] = {}
    for status in rows:
        out[status] = out.get(status, 0) + 1
    return out


def received(emulator: Emulator, chat_id: int) -> list[str]:
    return [m.view()["text"] for m in emulator.state.bot_messages.get(chat_id, [])]


async def test_flood_limits_kept_and_order_per_chat(
    database: Database, emulator: Emulator, bot: Bot
) -> None:
    singles = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(40)]
    busy = emulator.private_chat(first_name="Busy").chat_id
    group = emulator.group_chat()[0].chat_id
    await queue(database, [*singles, busy, busy, busy, group, group, group])
    deliverer = Deliverer(database.session_factory, TelegramSender(bot), ManualClock(NOW))
    report = await deliverer.drain()
    assert report.sent == 46 and report.failed == report.inactive == 0
    assert emulator.stats.violations == []
    assert received(emulator, busy) == ["m 40 → " + str(busy), f"m 41 → {busy}", f"m 42 → {busy}"]
    assert len(received(emulator, group)) == 3
    assert await statuses(database) == {"sent": 46}


async def test_429_retry_after_is_honoured(
    database: Database, emulator: Emulator, bot: Bot
) -> None:
    # A limiter that allows too much (5/s to one chat): the emulator answers 429 and
    # the deliverer waits retry_after and sends again; nothing is lost.
    loose = FloodLimiter(FloodLimits(overall=(100, 1.0), private_chat=(5, 1.0)))
    chat = emulator.private_chat().chat_id
    await queue(database, [chat] * 3)
    deliverer = Deliverer(
        database.session_factory, TelegramSender(bot), ManualClock(NOW), limiter=loose
    )
    report = await deliverer.drain()
    assert report.sent == 3
    assert [v.rule for v in emulator.stats.violations] == ["private_chat"] * len(
        emulator.stats.violations
    )
    assert emulator.stats.violations, "the loose limiter should have hit the emulator's limit"
    assert received(emulator, chat) == [f"m {i} → {chat}" for i in range(3)]


async def test_403_marks_chat_inactive_and_batch_goes_on(
    database: Database, emulator: Emulator, bot: Bot
) -> None:
    chats = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(5)]
    emulator.block(chats[2])
    await queue(database, chats)
    deliverer = Deliverer(database.session_factory, TelegramSender(bot), ManualClock(NOW))
    report = await deliverer.drain()
    assert (report.sent, report.inactive) == (4, 1)
    async with database.session_factory() as s:
        state = await s.get(ChatState, chats[2])
    assert state is not None and state.inactive
    # Later messages to the blocked chat are not even attempted.
    await queue(database, [chats[2], chats[0]], tag="later")
    calls = emulator.stats.requests["sendMessage"]
    report = await deliverer.drain()
    assert (report.sent, report.inactive) == (1, 0)
    assert emulator.stats.requests["sendMessage"] == calls + 1
    assert await statuses(database) == {"sent": 5, "inactive": 2}


async def test_quiet_hours_hold_messages_until_seven(
    database: Database, emulator: Emulator, bot: Bot
) -> None:
    chat = emulator.private_chat().chat_id
    evening = NOW.replace(hour=21)
    await queue(database, [chat], at=evening)
    clock = ManualClock(evening)
    deliverer = Deliverer(database.session_factory, TelegramSender(bot), clock)
    assert (await deliverer.drain()).sent == 0
    clock.set(NOW.replace(day=4, hour=6, minute=59))
    assert (await deliverer.drain()).sent == 0
    clock.set(NOW.replace(day=4, hour=7))
    assert (await deliverer.drain()).sent == 1


async def test_nothing_lost_when_a_deliverer_dies_mid_batch(
    database: Database, emulator: Emulator, bot: Bot
) -> None:
    chats = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(6)]
    await queue(database, chats)
    clock = ManualClock(NOW)
    dying = Deliverer(database.session_factory, TelegramSender(bot), clock, batch_size=4)
    leased = await dying._claim(clock.now())  # leased, then the process "dies"
    assert len(leased) == 4
    # A new process (new engine): the two unleased go out now, the leased ones after
    # their lease expires.
    fresh_db = connect(database.url)
    try:
        fresh = Deliverer(fresh_db.session_factory, TelegramSender(bot), clock)
        assert (await fresh.drain()).sent == 2
        clock.advance(minutes=11)
        assert (await fresh.drain()).sent == 4
    finally:
        await fresh_db.dispose()
    assert sorted(c for c in chats if received(emulator, c)) == sorted(chats)
    assert all(len(received(emulator, c)) == 1 for c in chats)


async def test_two_deliverers_on_postgres_send_each_message_once(
    postgres_database: Database, emulator: Emulator, bot: Bot
) -> None:
    chats = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(60)]
    await queue(postgres_database, chats)
    other = connect(postgres_database.url)
    try:
        limiter = FloodLimiter()  # one shared budget, as one bot token has
        clock = ManualClock(NOW)
        a = Deliverer(
            postgres_database.session_factory,
            TelegramSender(bot),
            clock,
            limiter=limiter,
            batch_size=10,
        )
        b = Deliverer(
            other.session_factory, TelegramSender(bot), clock, limiter=limiter, batch_size=10
        )
        ra, rb = await asyncio.gather(a.drain(), b.drain())
    finally:
        await other.dispose()
    assert ra.sent + rb.sent == 60
    assert ra.sent > 0 and rb.sent > 0
    assert all(len(received(emulator, c)) == 1 for c in chats)
    assert emulator.stats.violations == []


async def _rename_outbox(db: Database, old: str, new: str) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def sent_chats(db: Database) -> set[int]:
    async with db.session_factory() as s:
        rows = await s.execute(select(OutboxMessage.chat_id).where(OutboxMessage.status == "sent"))
        return set(rows.scalars().all())


async def test_a_database_cut_mid_batch_resends_only_what_was_in_flight(
    database: Database, emulator: Emulator, bot: Bot
) -> None:
    """Each send is recorded as it completes: when the database goes away mid-batch, what
    was recorded is not sent again once it is back (before: all 60 were sent twice)."""
    chats = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(60)]
    await queue(database, chats)
    clock = ManualClock(NOW)
    deliverer = Deliverer(database.session_factory, TelegramSender(bot), clock)
    drain = asyncio.create_task(deliverer.drain())
    while len(recorded := await sent_chats(database)) < 30 and not drain.done():
        await asyncio.sleep(0.02)
    assert emulator.stats.total_sent < 60, "outcomes are stored while the batch is sent"
    await _rename_outbox(database, "outbox", "outbox_cut")  # the database "goes"
    with contextlib.suppress(Exception):
        await drain
    sent_before = emulator.stats.total_sent
    await _rename_outbox(database, "outbox_cut", "outbox")  # … and comes back
    clock.advance(minutes=11)  # the leases of the interrupted batch expire
    await Deliverer(database.session_factory, TelegramSender(bot), clock).drain()
    copies = {c: len(received(emulator, c)) for c in chats}
    assert min(copies.values()) >= 1, "every message arrives"
    assert all(copies[c] == 1 for c in recorded), "what was recorded is not sent again"
    duplicates = sum(copies.values()) - len(chats)
    assert duplicates <= min(sent_before - len(recorded), MAX_UNSTORED)
    assert await statuses(database) == {"sent": 60}
    print(f"cut after {len(recorded)} recorded, {sent_before} sent: {duplicates} sent twice")


async def test_a_telegram_outage_is_retried_for_hours_then_reported(
    database: Database, emulator: Emulator, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers 502 for two hours: the messages wait (backoff, WARNING in the
    log) and go out when it is back; a message still refused after RETRY_FOR is marked
    failed and listed for admins."""
    chats = [emulator.private_chat(first_name=f"U{i}").chat_id for i in range(3)]
    await queue(database, chats)
    clock = ManualClock(NOW)
    deliverer = Deliverer(database.session_factory, TelegramSender(bot), clock)
    emulator.outage = True
    calls = []
    with caplog.at_level(logging.WARNING, logger="scheduler.delivery"):
        for _ in range(24):  # two hours, a drain every 5 minutes
            before = emulator.stats.errors[502]
            await deliverer.drain()
            calls.append(emulator.stats.errors[502] - before)
            clock.advance(minutes=5)
    assert await statuses(database) == {"pending": 3}, "nothing given up after 2 hours"
    assert sum(calls) <= 3 * 8, "backoff: 1, 2, 4 … 30 minutes, not every drain"
    assert any("retrying with backoff" in r.getMessage() for r in caplog.records)
    emulator.outage = False
    clock.advance(minutes=30)  # the longest backoff
    assert (await deliverer.drain()).sent == 3
    assert all(len(received(emulator, c)) == 1 for c in chats)

    # An outage longer than RETRY_FOR: the message is failed, and admins can see it.
    late = emulator.private_chat(first_name="Late").chat_id
    await queue(database, [late], tag="late", at=clock.now())
    emulator.outage = True
    end = clock.now() + RETRY_FOR + dt.timedelta(minutes=31)
    while clock.now() < end:
        await deliverer.drain()
        clock.advance(minutes=10)
    assert await statuses(database) == {"sent": 3, "failed": 1}
    summary = await failed_deliveries(database.session_factory, clock.now())
    assert [(f.kind, f.count) for f in summary] == [("test", 1)]
    assert "Bad Gateway" in summary[0].last_error
