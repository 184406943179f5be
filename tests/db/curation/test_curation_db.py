"""Curation domain on a real database: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.curation.access import may_curate
from bot.curation.candidates import candidates_for
from bot.curation.figures import admin_figures
from bot.curation.live import build_engine
from bot.curation.pseudonym import install_key, pseudonym_key, pseudonymize
from bot.curation.questions import log_question
from bot.curation.ratings import DOWN, UP, RatedQuestion, rate_answer
from bot.curation.review import (
    Outcome,
    dismiss_group,
    link_group,
    load_phrasings,
    unanswered_groups,
)
from bot.db.engine import read_session, write_session
from bot.db.models import AuditLog, Role, User
from bot.db.models_curation import Phrasing, QuestionStatus, UnansweredQuestion
from knowledge.engine import ANSWER_THRESHOLD, Engine

REFUSED = "ai lam app hien mau"  # refused by the curated base as it is
ANSWERED = "ai chu tri ra soat luat hoat dong chu thap do"
USER = 123456789


@pytest.fixture(scope="module")
def engine(kb) -> Engine:
    return Engine(kb)


async def ask(session_factory, engine: Engine, text: str, when: dt.datetime, user: int = USER):
    answer = engine.answer(text)
    async with write_session(session_factory) as session:
        key = await pseudonym_key(session, when)
        logged = await log_question(
            session,
            at=when,
            pseudonym=pseudonymize(key, user),
            text=text,
            answer=answer,
            candidates=candidates_for(engine, text, answer),
        )
    return answer, logged


async def test_refused_question_is_stored_without_identity(session_factory, engine, clock) -> None:
    answer, logged = await ask(session_factory, engine, "Ai làm app hiến máu?", clock.now())
    assert answer.refused
    assert logged.question_id is not None and not logged.answered
    async with read_session(session_factory) as session:
        row = await session.get(UnansweredQuestion, logged.question_id)
    assert row is not None
    assert row.text == "Ai làm app hiến máu?"
    assert row.normalized == REFUSED
    assert row.kind == "refused"
    assert row.lang == "vi"
    assert row.asked_at == clock.now()
    assert row.candidates and all(c["task"] in engine.kb.tasks for c in row.candidates)
    assert str(USER) not in row.pseudonym and len(row.pseudonym) == 26
    # The same person gets the same pseudonym; another person another one.
    async with write_session(session_factory) as session:
        key = await install_key(session, clock.now())
    assert row.pseudonym == pseudonymize(key, USER) != pseudonymize(key, USER + 1)


async def test_configured_secret_wins_over_install_salt(session_factory, clock) -> None:
    async with write_session(session_factory) as session:
        salt = await install_key(session, clock.now())
        again = await install_key(session, clock.now())
        from_env = await pseudonym_key(session, clock.now(), "s3cret-from-env")
    assert salt == again and len(salt) == 32
    assert from_env == b"s3cret-from-env"
    assert pseudonymize(salt, USER) != pseudonymize(from_env, USER)


async def test_answered_questions_are_counted_not_stored(session_factory, engine, clock) -> None:
    answer, logged = await ask(session_factory, engine, ANSWERED, clock.now())
    assert not answer.refused and answer.confidence >= ANSWER_THRESHOLD
    assert logged.answered and logged.question_id is None
    await ask(session_factory, engine, REFUSED, clock.now())
    async with read_session(session_factory) as session:
        stored = (await session.scalars(select(UnansweredQuestion.normalized))).all()
        figures = await admin_figures(session, now=clock.now())
    assert stored == [REFUSED]
    assert (figures.asked, figures.answered, figures.share_answered) == (2, 1, 0.5)
    assert [(q.text, q.count) for q in figures.top_unanswered] == [(REFUSED, 1)]


async def test_groups_cover_the_last_30_days_most_frequent_first(
    session_factory, engine, clock
) -> None:
    old = clock.now() - dt.timedelta(days=31)
    await ask(session_factory, engine, "quy dinh ve dong phuc cua hoi", old)
    for i, text in enumerate(["Ai làm app hiến máu?", REFUSED, "ai lam app hien mauu"]):
        await ask(session_factory, engine, text, clock.now() - dt.timedelta(days=i), user=i)
    await ask(session_factory, engine, "ai lo vu cap nuoc sach cho ba con vung lu", clock.now())
    async with read_session(session_factory) as session:
        groups = await unanswered_groups(session, clock.now())
    assert [(g.normalized, g.count) for g in groups] == [
        (REFUSED, 3),
        ("ai lo vu cap nuoc sach cho ba con vung lu", 1),
    ]


async def test_linking_teaches_the_engine_and_is_verified(session_factory, kb, clock) -> None:
    engine = build_engine(kb, {})
    answer, logged = await ask(session_factory, engine, REFUSED, clock.now())
    assert answer.refused and logged.question_id
    async with read_session(session_factory) as session:
        (group,) = await unanswered_groups(session, clock.now())
    allowed = set(group.candidates())
    target = group.candidates()[0]
    # A task the engine did not propose (a forged button) is refused, nothing written.
    outsider = next(t for t in kb.tasks if t not in allowed)
    async with write_session(session_factory) as session:
        result = await link_group(
            session,
            question_id=logged.question_id,
            task_id=outsider,
            allowed_tasks=allowed,
            actor=42,
            now=clock.now(),
        )
    assert result.outcome is Outcome.not_a_candidate
    async with write_session(session_factory) as session:
        result = await link_group(
            session,
            question_id=logged.question_id,
            task_id=target,
            allowed_tasks=allowed,
            actor=42,
            now=clock.now(),
        )
    assert result.outcome is Outcome.done and result.phrasings_added == 1
    async with read_session(session_factory) as session:
        phrasings = await load_phrasings(session, set(kb.tasks))
        row = await session.get(UnansweredQuestion, logged.question_id)
        audit = (await session.scalars(select(AuditLog.action))).all()
        groups = await unanswered_groups(session, clock.now())
    assert phrasings == {target: [REFUSED]}
    assert row.status == QuestionStatus.linked and row.resolved_task == target
    assert row.resolved_by == 42
    assert "question.link" in audit
    assert groups == []
    taught = build_engine(kb, phrasings)
    again = taught.answer(REFUSED)
    assert not again.refused and again.confidence >= ANSWER_THRESHOLD
    assert again.tasks[0] == target
    # Pressing again: already handled.
    async with write_session(session_factory) as session:
        result = await link_group(
            session,
            question_id=logged.question_id,
            task_id=target,
            allowed_tasks=allowed,
            actor=42,
            now=clock.now(),
        )
    assert result.outcome is Outcome.gone


async def test_phrasings_of_tasks_no_longer_in_the_base_are_ignored(
    session_factory, kb, clock
) -> None:
    async with write_session(session_factory) as session:
        session.add(
            Phrasing(
                task_id="gone_task", text="x", normalized="x", created_at=clock.now(), created_by=1
            )
        )
    async with read_session(session_factory) as session:
        assert await load_phrasings(session, set(kb.tasks)) == {}
        assert await load_phrasings(session) == {"gone_task": ["x"]}


async def test_dismiss_removes_the_whole_group(session_factory, engine, clock) -> None:
    _, first = await ask(session_factory, engine, REFUSED, clock.now())
    await ask(session_factory, engine, "Ai làm app hiến máu?", clock.now(), user=2)
    async with write_session(session_factory) as session:
        result = await dismiss_group(
            session, question_id=first.question_id, actor=7, now=clock.now()
        )
    assert result.outcome is Outcome.done and result.group.count == 2
    async with read_session(session_factory) as session:
        statuses = (await session.scalars(select(UnansweredQuestion.status))).all()
        assert await unanswered_groups(session, clock.now()) == []
    assert statuses == ["dismissed", "dismissed"]
    async with write_session(session_factory) as session:
        again = await dismiss_group(
            session, question_id=first.question_id, actor=7, now=clock.now()
        )
    assert again.outcome is Outcome.gone


async def test_ratings_once_per_answer_and_thumbs_down_join_the_list(
    session_factory, clock
) -> None:
    question = RatedQuestion("ai phu trach chuyen doi so cua hoi", "vi", 0.8, (("t1", 0.8),))
    async with write_session(session_factory) as session:
        assert await rate_answer(
            session,
            at=clock.now(),
            pseudonym="p1",
            token="aa",
            task_id="t1",
            rating=UP,
            question=question,
        )
        assert not await rate_answer(
            session,
            at=clock.now(),
            pseudonym="p1",
            token="aa",
            task_id="t1",
            rating=DOWN,
            question=question,
        )
        assert await rate_answer(
            session,
            at=clock.now(),
            pseudonym="p2",
            token="bb",
            task_id="t1",
            rating=DOWN,
            question=question,
        )
    async with read_session(session_factory) as session:
        (group,) = await unanswered_groups(session, clock.now())
        figures = await admin_figures(session, now=clock.now())
    assert group.text == question.text and group.rated_down == 1 and group.count == 1
    assert group.candidates() == ["t1"]
    assert (figures.thumbs_up, figures.thumbs_down) == (1, 1)
    assert figures.top_unanswered[0].rated_down == 1


async def test_figures_count_local_days_only(session_factory, engine, clock) -> None:
    # 2026-03-02 09:00 in Hanoi; eight days back is outside a 7-day digest.
    await ask(session_factory, engine, ANSWERED, clock.now() - dt.timedelta(days=8))
    await ask(session_factory, engine, ANSWERED, clock.now() - dt.timedelta(days=6))
    await ask(session_factory, engine, REFUSED, clock.now())
    async with read_session(session_factory) as session:
        figures = await admin_figures(session, now=clock.now())
        empty = await admin_figures(session, now=clock.now() + dt.timedelta(days=30))
    assert (figures.asked, figures.answered) == (2, 1)
    assert figures.start == dt.date(2026, 2, 24) and figures.end == dt.date(2026, 3, 2)
    assert empty.asked == 0 and empty.share_answered is None and empty.top_unanswered == []


async def test_admins_and_current_coordinators_may_curate(session_factory, clock) -> None:
    async with write_session(session_factory) as session:
        for uid in (5, 6):
            session.add(User(id=uid, created_at=clock.now()))
        await session.flush()
        session.add(
            Role(
                user_id=5, role="coordinator", scope_all=True, granted_by=1, granted_at=clock.now()
            )
        )
        session.add(
            Role(
                user_id=6,
                role="coordinator",
                scope_all=True,
                granted_by=1,
                granted_at=clock.now(),
                revoked_at=clock.now(),
                revoked_by=1,
            )
        )
    async with read_session(session_factory) as session:
        assert await may_curate(session, frozenset({1}), 1)
        assert await may_curate(session, frozenset({1}), 5)
        assert not await may_curate(session, frozenset({1}), 6)  # revoked
        assert not await may_curate(session, frozenset({1}), 9)
