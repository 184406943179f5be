"""A person's curation data: exported, erased; old rows purged (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.curation.privacy import erase_user, export_user, purge_old
from bot.curation.pseudonym import install_key, pseudonymize
from bot.curation.questions import store_question
from bot.curation.ratings import DOWN, rate_answer
from bot.db.engine import read_session, write_session
from bot.db.models_curation import AnswerRating, QuestionKind, UnansweredQuestion


async def _seed(session_factory, clock) -> bytes:
    async with write_session(session_factory) as session:
        key = await install_key(session, clock.now())
        for user, text, when in (
            (1, "cau hoi cua lan", clock.now()),
            (2, "cau hoi cua minh", clock.now()),
            (1, "cau hoi cu", clock.now() - dt.timedelta(days=400)),
        ):
            await store_question(
                session,
                at=when,
                pseudonym=pseudonymize(key, user),
                text=text,
                lang="vi",
                kind=QuestionKind.refused,
                confidence=0.1,
                candidates=[],
            )
        await rate_answer(
            session,
            at=clock.now(),
            pseudonym=pseudonymize(key, 1),
            token="tok12345",
            task_id="t1",
            rating=DOWN,
            question=None,
        )
    return key


async def _count(session_factory, model) -> int:
    async with read_session(session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_export_holds_only_that_persons_rows(session_factory, clock) -> None:
    key = await _seed(session_factory, clock)
    async with read_session(session_factory) as session:
        data = await export_user(session, key, 1)
    assert [q["text"] for q in data["questions"]] == ["cau hoi cua lan", "cau hoi cu"]
    assert [r["rating"] for r in data["ratings"]] == [-1]
    assert set(data["questions"][0]) == {"asked_at", "text", "lang", "kind"}


async def test_erase_removes_that_person_only(session_factory, clock) -> None:
    key = await _seed(session_factory, clock)
    async with write_session(session_factory) as session:
        assert await erase_user(session, key, 1) == 3
    async with read_session(session_factory) as session:
        texts = (await session.scalars(select(UnansweredQuestion.text))).all()
        assert (await export_user(session, key, 1)) == {"questions": [], "ratings": []}
    assert texts == ["cau hoi cua minh"]
    assert await _count(session_factory, AnswerRating) == 0


async def test_purge_drops_rows_past_retention(session_factory, clock) -> None:
    await _seed(session_factory, clock)
    async with write_session(session_factory) as session:
        assert await purge_old(session, clock.now()) == 1
    assert await _count(session_factory, UnansweredQuestion) == 2
