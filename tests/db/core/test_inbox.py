"""The replica inbox on SQLite and PostgreSQL: fetched updates are kept until the save
round that writes their conversation state deletes them in the same transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from telegram import Bot, Chat, Message, Update, User

from bot.db.engine import Database
from bot.db.models import BotState, InboundUpdate
from bot.db.persistence import DatabasePersistence
from bot.inbox import Inbox

BOT = Bot("123:" + "x" * 35)


def update(update_id: int, text: str = "xin chào") -> Update:
    user = User(id=7, first_name="Lan", is_bot=False)
    message = Message(
        message_id=update_id,
        date=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
        chat=Chat(id=7, type="private"),
        from_user=user,
        text=text,
    )
    return Update(update_id=update_id, message=message)


async def rows(database: Database) -> list[int]:
    async with database.session_factory() as session:
        found = await session.scalars(select(InboundUpdate.update_id).order_by("update_id"))
        return list(found)


async def test_fetched_updates_wait_in_order_and_are_stored_once(database: Database) -> None:
    inbox = Inbox(database)
    await inbox.store([update(12), update(10, "câu hỏi"), update(11)])
    await inbox.store([update(11)])  # fetched again after a failed acknowledgement
    pending = await inbox.pending(BOT)
    assert [u.update_id for u in pending] == [10, 11, 12]
    assert pending[0].message is not None and pending[0].message.text == "câu hỏi"
    assert await inbox.last_id() == 12


async def test_state_and_end_of_update_are_one_commit(database: Database) -> None:
    inbox = Inbox(database)
    await inbox.store([update(20), update(21), update(22)])
    persistence = DatabasePersistence(database=database)
    inbox.complete(update(20))
    inbox.complete(update(21))

    persistence.attach_done(inbox.take_completed(), inbox.delete_statement)
    await persistence.update_conversation("dangky", (7, 7), 3)  # the round's state
    assert persistence.detach_done() == []  # taken by the state transaction
    assert await rows(database) == [22]  # 22 is still being handled: kept for a replay
    async with database.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(BotState)) == 1

    # a round that changes nothing leaves the ids to the caller
    inbox.complete(update(22))
    persistence.attach_done(inbox.take_completed(), inbox.delete_statement)
    await persistence.update_conversation("dangky", (7, 7), 3)  # unchanged: not rewritten
    leftover = persistence.detach_done()
    assert leftover == [22]
    await inbox.delete(leftover)
    assert await rows(database) == []
