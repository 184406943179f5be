"""SQLAlchemy 2 typed models: the whole schema of kl44-bot.

Times are stored timezone-aware (``AwareDateTime``: UTC in the database, naive
values refused on write, UTC attached on read where the backend - SQLite - drops it).
Rows synced from the knowledge base (agencies, tasks, task_agencies) use the KB's
stable ids as keys and are archived, never deleted. ``progress_updates`` is
append-only: a correction is a new row whose ``corrects_id`` points at the row it
replaces.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NOTE_MAX_CHARS = 500


class AwareDateTime(TypeDecorator[dt.datetime]):
    """``DateTime(timezone=True)`` that refuses naive values and always returns aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: the database stores aware times only")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# Integer primary keys that auto-increment on both backends (BIGINT on PostgreSQL,
# INTEGER - the rowid alias - on SQLite).
BigId = BigInteger().with_variant(Integer, "sqlite")
# JSON documents: JSONB on PostgreSQL, JSON (text) on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012
        dt.datetime: AwareDateTime(),
        dict[str, Any]: Json,
    }


class TaskRole(StrEnum):
    """The part a document prints for an agency in a task (knowledge/model.py TaskRole)."""

    lead = "lead"
    coordinate = "coordinate"
    participate = "participate"
    addressee = "addressee"


class RoleKind(StrEnum):
    admin = "admin"
    coordinator = "coordinator"


class Status(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    blocked = "blocked"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class User(Base):
    """A Telegram user who has talked to the bot. Minimal personal data."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(128), default="", server_default="")
    language: Mapped[str] = mapped_column(String(8), default="vi", server_default="vi")
    created_at: Mapped[dt.datetime]


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(128))
    generic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    archived: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )
    synced_at: Mapped[dt.datetime]


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(String(64), index=True)
    ref: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    deadline_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    deadline_kind: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )
    # Position in the knowledge base (document order), for listing tasks in order.
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    synced_at: Mapped[dt.datetime]


class TaskAgency(Base):
    """Who a task names: lead (chủ trì), coordinate (phối hợp), participate (tham gia) or
    addressee (the duty names no owner; the document is addressed to it)."""

    __tablename__ = "task_agencies"
    __table_args__ = (CheckConstraint(_in("role", TaskRole), name="role"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16))


class Role(Base):
    """A granted role. Admins come from ADMIN_USER_IDS; rows hold coordinators.

    Scope: ``scope_all``, or a level (optionally narrowed to a place), or a list
    of agency ids; a grant covers an agency if any of the three matches.
    """

    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint(_in("role", RoleKind), name="role"),
        Index("ix_roles_user_active", "user_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(16))
    scope_all: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    scope_level: Mapped[str | None] = mapped_column(String(32))
    scope_place: Mapped[str | None] = mapped_column(String(128))
    scope_agencies: Mapped[list[str] | None] = mapped_column(Json)
    granted_by: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)


class JoinCode(Base):
    """A join code for one agency. Only the SHA-256 of the normalised code is stored."""

    __tablename__ = "join_codes"
    __table_args__ = (
        CheckConstraint("max_uses >= 1", name="max_uses_positive"),
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses_in_range"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    max_uses: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)


class Membership(Base):
    """A user belonging to an agency. Leaving or removal sets ``left_at``; rows stay."""

    __tablename__ = "memberships"
    __table_args__ = (
        # At most one current membership per (user, agency).
        Index(
            "uq_memberships_current",
            "user_id",
            "agency_id",
            unique=True,
            sqlite_where=text("left_at IS NULL"),
            postgresql_where=text("left_at IS NULL"),
        ),
        Index("ix_memberships_agency_current", "agency_id", "left_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    joined_at: Mapped[dt.datetime]
    join_code_id: Mapped[int | None] = mapped_column(ForeignKey("join_codes.id"))
    left_at: Mapped[dt.datetime | None]
    removed_by: Mapped[int | None] = mapped_column(BigInteger)


class ProgressUpdate(Base):
    """Append-only progress history of one agency on one task.

    ``effective_at`` is when the reported state took effect: ``created_at`` for an
    original update, the original's time for a correction (so correcting an old
    update never makes it look newer than later updates by colleagues).
    """

    __tablename__ = "progress_updates"
    __table_args__ = (
        CheckConstraint(_in("status", Status), name="status"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent"),
        CheckConstraint(f"length(note) <= {NOTE_MAX_CHARS}", name="note_length"),
        Index("ix_progress_updates_task_agency", "task_id", "agency_id", "effective_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    percent: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime]
    effective_at: Mapped[dt.datetime]
    # Unique: a row is corrected at most once, so corrections form a chain.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("progress_updates.id"), unique=True)


class AuditLog(Base):
    """Who did what, when. No foreign keys: the log outlives anything it mentions."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    at: Mapped[dt.datetime] = mapped_column(index=True)


class BotState(Base):
    """Small key/value store for the bot's own state (e.g. PTB conversation persistence)."""

    __tablename__ = "bot_state"

    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[Any] = mapped_column(Json)
    updated_at: Mapped[dt.datetime]


class InboundUpdate(Base):
    """An update fetched from Telegram and not yet fully handled (replica mode).

    Written before the update is acknowledged to Telegram, deleted in the same
    transaction as the conversation state its handling produced: a replica that dies
    mid-update leaves the row, and the next active replica handles it again. Rows live
    seconds, so the message text in ``data`` is kept no longer than its handling.
    """

    __tablename__ = "inbound_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[Any] = mapped_column(Json)
    received_at: Mapped[dt.datetime]
