"""volunteers: campaign editions and registrations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Written by hand from bot/db/models_volunteers.py with plain column types (no imports
from the application, so later model changes cannot break this file).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
LIVE = "status IN ('confirmed', 'waitlisted') AND user_id IS NOT NULL"


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "campaign_editions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("campaign_key", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("organiser_agency_id", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), server_default="", nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        _at("registration_opens_at"),
        _at("registration_closes_at"),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("confirmed_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'cancelled')", name=op.f("ck_campaign_editions_status")
        ),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity >= 1",
            name=op.f("ck_campaign_editions_capacity_positive"),
        ),
        sa.CheckConstraint(
            "confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity)",
            name=op.f("ck_campaign_editions_within_capacity"),
        ),
        sa.CheckConstraint(
            "ends_at >= starts_at", name=op.f("ck_campaign_editions_ends_after_start")
        ),
        sa.CheckConstraint(
            "registration_closes_at >= registration_opens_at",
            name=op.f("ck_campaign_editions_window_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["organiser_agency_id"],
            ["agencies.id"],
            name=op.f("fk_campaign_editions_organiser_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_editions")),
    )
    op.create_index(
        op.f("ix_campaign_editions_organiser_agency_id"),
        "campaign_editions",
        ["organiser_agency_id"],
    )
    op.create_index(
        "ix_campaign_editions_status_start", "campaign_editions", ["status", "starts_at"]
    )

    op.create_table(
        "volunteer_registrations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("edition_id", BIG_ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(length=8), server_default="vi", nullable=False),
        sa.Column("full_name", sa.String(length=128), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("commune", sa.String(length=128), nullable=True),
        sa.Column("district", sa.String(length=128), nullable=True),
        sa.Column("skills", JSON, nullable=True),
        sa.Column("blood_group", sa.String(length=4), nullable=True),
        _at("consent_at", nullable=True),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _at("created_at"),
        _at("promoted_at", nullable=True),
        _at("cancelled_at", nullable=True),
        _at("reminder_sent_at", nullable=True),
        _at("erased_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')",
            name=op.f("ck_volunteer_registrations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["campaign_editions.id"],
            name=op.f("fk_volunteer_registrations_edition_id_campaign_editions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_registrations")),
    )
    op.create_index(
        op.f("ix_volunteer_registrations_user_id"), "volunteer_registrations", ["user_id"]
    )
    op.create_index(
        "ix_volunteer_registrations_edition_status",
        "volunteer_registrations",
        ["edition_id", "status", "id"],
    )
    op.create_index(
        "uq_volunteer_registrations_live",
        "volunteer_registrations",
        ["edition_id", "user_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_table("volunteer_registrations")
    op.drop_table("campaign_editions")
