"""Scheduler tables: reminder claims, the delivery queue, deadline overrides, absences.

- ``reminders``: one row per (task, agency, rule, due date), inserted *before* the
  reminder is sent. The unique key is the claim: a restart, a catch-up after downtime
  or a second replica trying the same reminder hits the key and sends nothing.
- ``outbox``: every bulk message (reminders, digests) is queued here first and sent by
  the one delivery path (``scheduler.delivery``); rows survive restarts. ``dedupe_key``
  is unique, so queueing the same message twice is a no-op.
- ``chat_states``: chats that blocked the bot (403) are marked inactive.
- ``deadline_overrides``: a coordinator's date for a task, per agency of their scope.
- ``absences``: an officer away until a date gets no reminders meanwhile.
- ``digest_runs``: one weekly digest per coordinator and week.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base, BigId, Json


class OutboxStatus(StrEnum):
    pending = "pending"  # waiting for its not_before time and a free slot
    sending = "sending"  # leased by one delivery worker until lease_until
    sent = "sent"
    failed = "failed"  # gave up (bad request, too many attempts)
    inactive = "inactive"  # the chat blocked the bot (403); not retried


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", "rule", "due_date", name="uq_reminders_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    rule: Mapped[str] = mapped_column(String(32))
    # The occurrence this reminder is about: the deadline for "before" rules, the
    # week's date for overdue rules, the check-in date for recurring rules.
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime]
    recipients: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'inactive')", name="status"
        ),
        Index("ix_outbox_due", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    reply_markup: Mapped[dict[str, Any] | None] = mapped_column(Json)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    attachment_name: Mapped[str | None] = mapped_column(String(128))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.pending.value)
    created_at: Mapped[dt.datetime]
    not_before: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(200))
    acked_at: Mapped[dt.datetime | None]
    snoozed_at: Mapped[dt.datetime | None]


class ChatState(Base):
    __tablename__ = "chat_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    inactive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reason: Mapped[str] = mapped_column(String(64), default="", server_default="")
    updated_at: Mapped[dt.datetime]


class DeadlineOverride(Base):
    __tablename__ = "deadline_overrides"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[dt.datetime]


class Absence(Base):
    __tablename__ = "absences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    away_until: Mapped[dt.date] = mapped_column(Date)
    set_at: Mapped[dt.datetime]


class DigestRun(Base):
    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("user_id", "period", name="uq_digest_runs_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime]
