"""task roles as printed: participate and addressee beside lead and coordinate

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

The knowledge base now records the part a document really prints for each body it gives a
duty to (knowledge/model.py TaskRole): "lead" (chủ trì), "coordinate" (phối hợp),
"participate" (tham gia) and "addressee" (the duty names no owner; the bodies the document
is addressed to). Only the CHECK constraint of task_agencies.role changes (batch mode
recreates the table on SQLite). Downgrade maps the new values back to "coordinate".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ck_task_agencies_role"
NEW = "role IN ('lead', 'coordinate', 'participate', 'addressee')"
OLD = "role IN ('lead', 'coordinate')"


def upgrade() -> None:
    with op.batch_alter_table("task_agencies") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(op.f(NAME), sa.text(NEW))


def downgrade() -> None:
    op.execute(
        "UPDATE task_agencies SET role = 'coordinate' WHERE role IN ('participate', 'addressee')"
    )
    with op.batch_alter_table("task_agencies") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(op.f(NAME), sa.text(OLD))
