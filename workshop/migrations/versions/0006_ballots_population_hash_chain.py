"""ballot cards, population by group, hash chains

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ballot_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_ballot_card_workshop_id", "ballot_card", ["workshop_id"], unique=False)
    op.create_table(
        "population",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("margin", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"]),
        sa.PrimaryKeyConstraint("workshop_id"),
    )
    with op.batch_alter_table("vote_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workshop_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_vote_change_workshop_id", ["workshop_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_vote_change_workshop_id", "workshop", ["workshop_id"], ["id"]
        )
    with op.batch_alter_table("assessment_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("record_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment_record", schema=None) as batch_op:
        batch_op.drop_column("record_hash")
        batch_op.drop_column("prev_hash")
    with op.batch_alter_table("vote_change", schema=None) as batch_op:
        batch_op.drop_constraint("fk_vote_change_workshop_id", type_="foreignkey")
        batch_op.drop_index("ix_vote_change_workshop_id")
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("workshop_id")
    op.drop_table("population")
    op.drop_index("ix_ballot_card_workshop_id", table_name="ballot_card")
    op.drop_table("ballot_card")
