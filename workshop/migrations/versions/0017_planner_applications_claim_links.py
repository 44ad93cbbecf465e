"""Planner registration with review (审核入库), and expiring claim links for placeholders

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 09:00:00.000000

Existing data carried forward: existing accounts have no application, and an account
without one counts as admitted (it was made by the CLI, an administrator or the demo), so
every existing planner stays approved and able to log in. Existing "account" invitations
have no token yet (nothing could claim them before): no expiry to carry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planner_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planner_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("statement", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["planner.id"], name=op.f("fk_planner_application_decided_by_planner")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_planner_application_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["planner_id"], ["planner.id"], name=op.f("fk_planner_application_planner_id_planner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_application")),
        sa.UniqueConstraint("planner_id", name=op.f("uq_planner_application_planner_id")),
    )
    with op.batch_alter_table("planner_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planner_application_decision"), ["decision"])
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("planner_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planner_application_decision"))
    op.drop_table("planner_application")
