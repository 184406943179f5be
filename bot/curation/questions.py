"""Logging what was asked: counts of every question, the text of the unanswered ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import VN_TZ
from bot.db.models_curation import (
    QUESTION_MAX_CHARS,
    DailyQuestionCount,
    QuestionKind,
    QuestionStatus,
    UnansweredQuestion,
)
from knowledge.answer import Answer
from knowledge.engine import ANSWER_THRESHOLD
from knowledge.normalize import clean_input, fold

#: unanswered questions one asker (pseudonym) can add to the curators' list per day (in
#: the product's time zone); more are still counted, not stored. Curators read the
#: questions of many people: one account cannot bury them (or slow /chuatraloi) with junk.
MAX_OPEN_PER_ASKER_PER_DAY = 20


def is_answered(answer: Answer, threshold: float = ANSWER_THRESHOLD) -> bool:
    """Answered outright: not refused and at or above the engine's confidence threshold."""
    return not answer.refused and answer.confidence >= threshold


def kind_of(answer: Answer, threshold: float = ANSWER_THRESHOLD) -> QuestionKind | None:
    """What the curators should see this question as, or None when it was answered well."""
    if answer.refused:
        return QuestionKind.refused
    if answer.confidence < threshold:
        return QuestionKind.unsure
    return None


def normalize_question(text: str) -> str:
    """The form questions are grouped and matched by: folded, no diacritics, single spaces."""
    return fold(clean_input(text, limit=QUESTION_MAX_CHARS))[:QUESTION_MAX_CHARS]


@dataclass(frozen=True)
class Logged:
    question_id: int | None  # the stored row, when the question was unanswered
    answered: bool


def _upsert(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT (PostgreSQL's and SQLite's both have ON CONFLICT)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def count_question(session: AsyncSession, at: dt.datetime, answered: bool) -> None:
    """Add one asked question (and one answered, if it was) to the day's counters."""
    await add_counts(session, at.astimezone(VN_TZ).date(), 1, int(answered))


async def add_counts(session: AsyncSession, day: dt.date, asked: int, answered: int) -> None:
    """Add ``asked`` questions, ``answered`` of them answered, to the counters of ``day``."""
    insert = _upsert(session)
    stmt = insert(DailyQuestionCount).values(day=day, asked=asked, answered=answered)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DailyQuestionCount.day],
        set_={
            "asked": DailyQuestionCount.asked + asked,
            "answered": DailyQuestionCount.answered + answered,
        },
    )
    await session.execute(stmt)


async def stored_today(session: AsyncSession, pseudonym: str, at: dt.datetime) -> int:
    """How many questions of ``pseudonym`` were stored on the (local) day of ``at``."""
    local = at.astimezone(VN_TZ)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    count = await session.scalar(
        select(func.count())
        .select_from(UnansweredQuestion)
        .where(
            UnansweredQuestion.pseudonym == pseudonym,
            UnansweredQuestion.asked_at >= start,
            UnansweredQuestion.asked_at < start + dt.timedelta(days=1),
        )
    )
    return int(count or 0)


async def store_question(
    session: AsyncSession,
    *,
    at: dt.datetime,
    pseudonym: str,
    text: str,
    lang: str,
    kind: QuestionKind,
    confidence: float,
    candidates: list[tuple[str, float]],
) -> int | None:
    """Store one question for the curators; None when there is no text worth keeping or
    its asker reached the day's cap (``MAX_OPEN_PER_ASKER_PER_DAY``)."""
    clean = clean_input(text, limit=QUESTION_MAX_CHARS)
    normalized = normalize_question(clean)
    if not normalized:
        return None
    if await stored_today(session, pseudonym, at) >= MAX_OPEN_PER_ASKER_PER_DAY:
        return None
    row = UnansweredQuestion(
        asked_at=at,
        pseudonym=pseudonym,
        lang=lang[:8],
        kind=kind.value,
        text=clean,
        normalized=normalized,
        confidence=round(float(confidence), 3),
        candidates=[{"task": task, "score": score} for task, score in candidates],
        status=QuestionStatus.open.value,
    )
    session.add(row)
    await session.flush()
    return row.id


async def log_question(
    session: AsyncSession,
    *,
    at: dt.datetime,
    pseudonym: str,
    text: str,
    answer: Answer,
    candidates: list[tuple[str, float]],
) -> Logged:
    """Count a question and, when it went unanswered, store it for the curators."""
    kind = kind_of(answer)
    await count_question(session, at, kind is None)
    if kind is None:
        return Logged(None, True)
    qid = await store_question(
        session,
        at=at,
        pseudonym=pseudonym,
        text=text,
        lang=answer.lang,
        kind=kind,
        confidence=answer.confidence,
        candidates=candidates,
    )
    return Logged(qid, False)
