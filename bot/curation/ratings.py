"""👍/👎 under answers. A 👎 puts the question into the curators' list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curation.questions import store_question
from bot.db.models_curation import AnswerRating, QuestionKind

UP = 1
DOWN = -1


@dataclass(frozen=True)
class RatedQuestion:
    """What the bot remembers of an answer it put rating buttons under."""

    text: str
    lang: str
    confidence: float
    candidates: tuple[tuple[str, float], ...]


async def rate_answer(
    session: AsyncSession,
    *,
    at: dt.datetime,
    pseudonym: str,
    token: str,
    task_id: str | None,
    rating: int,
    question: RatedQuestion | None,
) -> bool:
    """Record one rating; False when this answer (``token``) was already rated, by this
    person or, in a group, by another member: an answer counts once.

    A 👎 with the question still known stores it for the curators (kind ``rated_down``).
    """
    if rating not in (UP, DOWN):
        raise ValueError("rating must be +1 or -1")
    if await session.scalar(select(AnswerRating.id).where(AnswerRating.token == token).limit(1)):
        return False
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(AnswerRating)
        .values(rated_at=at, pseudonym=pseudonym, token=token, task_id=task_id, rating=rating)
        .on_conflict_do_nothing(index_elements=["pseudonym", "token"])
        .returning(AnswerRating.id)
    )
    if result.scalar_one_or_none() is None:
        return False
    if rating == DOWN and question is not None:
        await store_question(
            session,
            at=at,
            pseudonym=pseudonym,
            text=question.text,
            lang=question.lang,
            kind=QuestionKind.rated_down,
            confidence=question.confidence,
            candidates=list(question.candidates),
        )
    return True


async def rating_totals(
    session: AsyncSession, since: dt.datetime, until: dt.datetime
) -> tuple[int, int]:
    """(👍, 👎) given in [since, until)."""
    rows = (
        await session.execute(
            select(AnswerRating.rating, func.count())
            .where(AnswerRating.rated_at >= since, AnswerRating.rated_at < until)
            .group_by(AnswerRating.rating)
        )
    ).all()
    counts = {rating: n for rating, n in rows}
    return counts.get(UP, 0), counts.get(DOWN, 0)
