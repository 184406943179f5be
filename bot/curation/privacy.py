"""A person's own data in the curation log: export it, erase it; and a retention purge.

Rows carry only a pseudonym, so the person's Telegram id is hashed with the same key
to find them (the id itself is never stored or compared).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curation.pseudonym import pseudonymize
from bot.db.models_curation import AnswerRating, UnansweredQuestion

RETENTION_DAYS = 365


async def export_user(session: AsyncSession, key: bytes, user_id: int) -> dict[str, Any]:
    """Everything the curation log holds about one person, as plain JSON-ready data."""
    pseudonym = pseudonymize(key, user_id)
    questions = (
        await session.scalars(
            select(UnansweredQuestion)
            .where(UnansweredQuestion.pseudonym == pseudonym)
            .order_by(UnansweredQuestion.id)
        )
    ).all()
    ratings = (
        await session.scalars(
            select(AnswerRating)
            .where(AnswerRating.pseudonym == pseudonym)
            .order_by(AnswerRating.id)
        )
    ).all()
    return {
        "questions": [
            {"asked_at": q.asked_at.isoformat(), "text": q.text, "lang": q.lang, "kind": q.kind}
            for q in questions
        ],
        "ratings": [
            {"rated_at": r.rated_at.isoformat(), "task": r.task_id, "rating": r.rating}
            for r in ratings
        ],
    }


async def erase_user(session: AsyncSession, key: bytes, user_id: int) -> int:
    """Delete one person's questions and ratings; returns how many rows went.

    Phrasings curators already approved stay: they are the knowledge base's, not the
    person's (they hold no pseudonym)."""
    pseudonym = pseudonymize(key, user_id)
    gone = 0
    for model in (UnansweredQuestion, AnswerRating):
        result = await session.execute(delete(model).where(model.pseudonym == pseudonym))
        gone += int(result.rowcount or 0)  # type: ignore[attr-defined]  # DML: a CursorResult
    return gone


async def purge_old(session: AsyncSession, now: dt.datetime, days: int = RETENTION_DAYS) -> int:
    """Drop questions and ratings older than ``days``; open questions older than the
    30-day review window are long past use by then."""
    before = now - dt.timedelta(days=days)
    gone = 0
    result = await session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < before)
    )
    gone += int(result.rowcount or 0)  # type: ignore[attr-defined]  # DML: a CursorResult
    result = await session.execute(delete(AnswerRating).where(AnswerRating.rated_at < before))
    gone += int(result.rowcount or 0)  # type: ignore[attr-defined]  # DML: a CursorResult
    return gone
