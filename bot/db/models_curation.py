"""Tables of the curation loop: unanswered questions, ratings, learned phrasings, counts.

No user identity is stored beyond a pseudonymous id (a keyed hash of the Telegram
user id, see :mod:`bot.curation.pseudonym`). Curators' own ids appear as
``resolved_by`` / ``created_by``: they act in an official capacity and the audit
log names them anyway.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base, BigId, Json

QUESTION_MAX_CHARS = 1000


class QuestionKind(StrEnum):
    refused = "refused"  # the engine refused to answer
    unsure = "unsure"  # answered below the confidence threshold
    rated_down = "rated_down"  # answered, and the asker pressed 👎


class QuestionStatus(StrEnum):
    open = "open"
    linked = "linked"  # linked to a task as a new phrasing
    dismissed = "dismissed"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class UnansweredQuestion(Base):
    """One question the bot could not answer well, kept for the curators."""

    __tablename__ = "curation_questions"
    __table_args__ = (
        CheckConstraint(_in("kind", QuestionKind), name="kind"),
        CheckConstraint(_in("status", QuestionStatus), name="status"),
        CheckConstraint(f"length(text) <= {QUESTION_MAX_CHARS}", name="text_length"),
        Index("ix_curation_questions_status_asked", "status", "asked_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    asked_at: Mapped[dt.datetime]
    pseudonym: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    # [{"task": id, "score": float}, …], best first
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    status: Mapped[str] = mapped_column(String(16), default=QuestionStatus.open.value)
    resolved_task: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)


class Phrasing(Base):
    """A curator-approved phrasing of a task: the engine adds it to the task's keywords."""

    __tablename__ = "curation_phrasings"
    __table_args__ = (UniqueConstraint("task_id", "normalized", name="uq_curation_phrasings"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # A knowledge-base task id; no foreign key: the phrasing outlives a reload that
    # drops the task (it is then ignored, see bot.curation.phrasings).
    task_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(String(QUESTION_MAX_CHARS))
    created_at: Mapped[dt.datetime]
    created_by: Mapped[int] = mapped_column(BigInteger)


class AnswerRating(Base):
    """A 👍 (+1) or 👎 (-1) under one answer; one per answer message and person."""

    __tablename__ = "curation_ratings"
    __table_args__ = (
        CheckConstraint("rating IN (1, -1)", name="rating"),
        UniqueConstraint("pseudonym", "token", name="uq_curation_ratings_once"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    rated_at: Mapped[dt.datetime] = mapped_column(index=True)
    pseudonym: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(String(16))
    task_id: Mapped[str | None] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(SmallInteger)


class DailyQuestionCount(Base):
    """Questions asked and answered per local day (Asia/Ho_Chi_Minh), for "share answered"."""

    __tablename__ = "curation_daily_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    asked: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
