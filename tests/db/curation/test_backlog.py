"""The question backlog: queued off the answer path, written in one transaction, with
the same counts and stored rows as logging one by one. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.curation.backlog import Asked, QuestionBacklog
from bot.curation.figures import admin_figures
from bot.curation.pseudonym import pseudonym_key
from bot.db.engine import read_session
from bot.db.models_curation import UnansweredQuestion
from knowledge.engine import Engine

REFUSED = "ai lam app hien mau"
ANSWERED = "ai chu tri ra soat luat hoat dong chu thap do"


@pytest.fixture(scope="module")
def engine(kb) -> Engine:
    return Engine(kb)


def _no_rank(asked: Asked) -> list[tuple[str, float]]:
    return []


async def _key(session):
    return await pseudonym_key(session, dt.datetime(2026, 3, 2, tzinfo=dt.UTC), "test-secret")


async def test_a_batch_counts_per_day_and_stores_the_unanswered(database, engine, clock) -> None:
    backlog = QuestionBacklog()
    yesterday = clock.now() - dt.timedelta(days=1)
    for at, text in [
        (yesterday, ANSWERED),
        (clock.now(), ANSWERED),
        (clock.now(), ANSWERED),
        (clock.now(), REFUSED),
    ]:
        backlog.add(Asked(at, 42, text, engine.answer(text)))
    assert len(backlog) == 4
    ranked: list[str] = []

    def rank(asked: Asked) -> list[tuple[str, float]]:
        ranked.append(asked.text)
        return [("qd895_pl_ii_2", 0.3)]

    assert await backlog.flush(database, _key, rank) == 4
    assert ranked == [REFUSED]  # candidates are ranked for the unanswered only
    assert len(backlog) == 0 and await backlog.flush(database, _key, rank) == 0
    async with read_session(database.session_factory) as session:
        figures = await admin_figures(session, now=clock.now())
        stored = (
            await session.execute(select(UnansweredQuestion.text, UnansweredQuestion.candidates))
        ).all()
    assert (figures.asked, figures.answered) == (4, 3)
    assert [(text, cands) for text, cands in stored] == [
        (REFUSED, [{"task": "qd895_pl_ii_2", "score": 0.3}])
    ]


async def test_a_failed_flush_keeps_the_batch_for_the_next(database, engine, clock) -> None:
    backlog = QuestionBacklog()
    backlog.add(Asked(clock.now(), 42, REFUSED, engine.answer(REFUSED)))

    async def broken_key(session):
        raise RuntimeError("key store down")

    with pytest.raises(RuntimeError):
        await backlog.flush(database, broken_key, _no_rank)
    assert len(backlog) == 1
    assert await backlog.flush(database, _key, _no_rank) == 1
    async with read_session(database.session_factory) as session:
        count = await session.scalar(select(func.count()).select_from(UnansweredQuestion))
    assert count == 1


async def test_one_asker_adds_at_most_a_days_cap_of_questions(database, engine, clock) -> None:
    """Issue 12 #3: one account cannot flood the curators' list (and /chuatraloi's cost);
    the cap is per pseudonym and per day, across flushes; every question is still counted."""
    from bot.curation.questions import MAX_OPEN_PER_ASKER_PER_DAY as cap

    backlog = QuestionBacklog()
    for i in range(cap + 10):
        backlog.add(Asked(clock.now(), 42, f"{REFUSED} {i}", engine.answer(REFUSED)))
    backlog.add(Asked(clock.now(), 7, REFUSED, engine.answer(REFUSED)))
    await backlog.flush(database, _key, _no_rank)
    backlog.add(Asked(clock.now(), 42, f"{REFUSED} again", engine.answer(REFUSED)))
    await backlog.flush(database, _key, _no_rank)
    tomorrow = clock.now() + dt.timedelta(days=1)
    backlog.add(Asked(tomorrow, 42, f"{REFUSED} tomorrow", engine.answer(REFUSED)))
    await backlog.flush(database, _key, _no_rank)
    async with read_session(database.session_factory) as session:
        per_asker = (
            await session.execute(
                select(UnansweredQuestion.pseudonym, func.count())
                .group_by(UnansweredQuestion.pseudonym)
                .order_by(func.count())
            )
        ).all()
        figures = await admin_figures(session, now=clock.now())
    assert sorted(n for _, n in per_asker) == [1, cap + 1]  # 7: one; 42: cap today + 1 tomorrow
    assert figures.asked == cap + 12
