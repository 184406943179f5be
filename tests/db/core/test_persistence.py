"""DatabasePersistence round trip: what one bot process stores, the next one reads."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.db.engine import Database
from bot.db.persistence import DatabasePersistence


async def test_round_trip_across_instances(database: Database, clock: ManualClock) -> None:
    first = DatabasePersistence(database=database, clock=clock)
    await first.update_user_data(42, {"lang": "en", "draft": {"task": "II.2", "pct": 60}})
    await first.update_user_data(42, {"lang": "vi", "obj": object(), "n": [1, 2]})
    await first.update_chat_data(-5, {"x": 1})
    await first.update_conversation("capnhat", (42, 42), 3)
    await first.update_conversation("capnhat", (7, 7), "note")
    await first.update_conversation("capnhat", (7, 7), None)
    second = DatabasePersistence(database=database, clock=clock)
    assert await second.get_user_data() == {42: {"lang": "vi", "n": [1, 2]}}
    assert await second.get_chat_data() == {-5: {"x": 1}}
    assert await second.get_conversations("capnhat") == {(42, 42): 3}
    assert await second.get_conversations("other") == {}
    await second.drop_user_data(42)
    assert await second.get_user_data() == {}


async def test_opens_and_upgrades_by_url(tmp_path, clock: ManualClock) -> None:
    persistence = DatabasePersistence(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", clock=clock)
    try:
        assert await persistence.get_user_data() == {}
        await persistence.update_user_data(1, {"lang": "en"})
        assert (await persistence.get_user_data())[1] == {"lang": "en"}
        assert persistence.database is not None
    finally:
        await persistence.close()


async def _stamps(database: Database) -> dict[str, object]:
    from sqlalchemy import select

    from bot.db.models import BotState

    async with database.session_factory() as session:
        rows = await session.execute(select(BotState.key, BotState.updated_at))
        return dict(rows.all())


async def test_unchanged_data_is_not_rewritten_and_changes_are(
    database: Database, clock: ManualClock
) -> None:
    import asyncio

    persistence = DatabasePersistence(database=database, clock=clock)
    await persistence.update_chat_data(1, {"lang": "vi"})
    first = (await _stamps(database))["1"]
    clock.advance(minutes=5)
    # PTB hands over every touched chat at once; an unchanged one is skipped ...
    await asyncio.gather(
        persistence.update_chat_data(1, {"lang": "vi"}),
        persistence.update_chat_data(2, {"lang": "en"}),
    )
    stamps = await _stamps(database)
    assert stamps["1"] == first and stamps["2"] > first
    # ... and a real change is written.
    clock.advance(minutes=5)
    await persistence.update_chat_data(1, {"lang": "en"})
    assert (await _stamps(database))["1"] > first
    assert (await persistence.get_chat_data())[1] == {"lang": "en"}
