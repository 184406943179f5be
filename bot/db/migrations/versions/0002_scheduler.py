"""scheduler: sent reminders, deadline overrides, delivery queue, digests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Written by hand from bot/db/models_scheduler.py: plain column types (no imports
from the application), constraint names as the metadata's naming convention makes them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        _at("created_at"),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_reminders_task_id_tasks")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_reminders_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("task_id", "agency_id", "rule", "due_date", name="uq_reminders_key"),
    )
    op.create_index(op.f("ix_reminders_task_id"), "reminders", ["task_id"])

    op.create_table(
        "outbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("is_group", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_markup", JSON, nullable=True),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("attachment_name", sa.String(length=128), nullable=True),
        sa.Column("reminder_id", BIG_ID, nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _at("created_at"),
        _at("not_before"),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _at("lease_until", nullable=True),
        _at("sent_at", nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        _at("acked_at", nullable=True),
        _at("snoozed_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'inactive')",
            name=op.f("ck_outbox_status"),
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminders.id"], name=op.f("fk_outbox_reminder_id_reminders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index(op.f("ix_outbox_chat_id"), "outbox", ["chat_id"])
    op.create_index(op.f("ix_outbox_reminder_id"), "outbox", ["reminder_id"])
    op.create_index("ix_outbox_due", "outbox", ["status", "not_before"])

    op.create_table(
        "chat_states",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("inactive", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reason", sa.String(length=64), server_default="", nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chat_states")),
    )

    op.create_table(
        "deadline_overrides",
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("set_by", sa.BigInteger(), nullable=False),
        _at("set_at"),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_deadline_overrides_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_deadline_overrides_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("task_id", "agency_id", name=op.f("pk_deadline_overrides")),
    )

    op.create_table(
        "absences",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("away_until", sa.Date(), nullable=False),
        _at("set_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_absences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_absences")),
    )

    op.create_table(
        "digest_runs",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("user_id", "period", name="uq_digest_runs_key"),
    )


def downgrade() -> None:
    for table in (
        "digest_runs",
        "absences",
        "deadline_overrides",
        "chat_states",
        "outbox",
        "reminders",
    ):
        op.drop_table(table)
