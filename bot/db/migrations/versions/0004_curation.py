"""curation: unanswered questions, ratings, learned phrasings, daily counts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Written by hand to match bot/db/models_curation.py (plain column types, no imports
from the application); constraint names follow the metadata's naming convention.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "curation_questions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        _at("asked_at"),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("normalized", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("candidates", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_task", sa.String(length=64), nullable=True),
        _at("resolved_at", nullable=True),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('refused', 'unsure', 'rated_down')", name=op.f("ck_curation_questions_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'linked', 'dismissed')", name=op.f("ck_curation_questions_status")
        ),
        sa.CheckConstraint("length(text) <= 1000", name=op.f("ck_curation_questions_text_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_questions")),
    )
    op.create_index(
        "ix_curation_questions_status_asked", "curation_questions", ["status", "asked_at"]
    )

    op.create_table(
        "curation_phrasings",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("normalized", sa.String(length=1000), nullable=False),
        _at("created_at"),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_phrasings")),
        sa.UniqueConstraint("task_id", "normalized", name="uq_curation_phrasings"),
    )
    op.create_index(op.f("ix_curation_phrasings_task_id"), "curation_phrasings", ["task_id"])

    op.create_table(
        "curation_ratings",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        _at("rated_at"),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("rating IN (1, -1)", name=op.f("ck_curation_ratings_rating")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_ratings")),
        sa.UniqueConstraint("pseudonym", "token", name="uq_curation_ratings_once"),
    )
    op.create_index(op.f("ix_curation_ratings_rated_at"), "curation_ratings", ["rated_at"])

    op.create_table(
        "curation_daily_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_curation_daily_counts")),
    )


def downgrade() -> None:
    op.drop_table("curation_daily_counts")
    op.drop_index(op.f("ix_curation_ratings_rated_at"), table_name="curation_ratings")
    op.drop_table("curation_ratings")
    op.drop_index(op.f("ix_curation_phrasings_task_id"), table_name="curation_phrasings")
    op.drop_table("curation_phrasings")
    op.drop_index("ix_curation_questions_status_asked", table_name="curation_questions")
    op.drop_table("curation_questions")
