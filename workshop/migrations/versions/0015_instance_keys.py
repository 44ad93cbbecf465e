"""instance keys: trusted laptop keys, record signatures, an import's signature state

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["enrolled_by_id"], ["planner.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_table(
        "record_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["assessment_record.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_record_signature_record_id", "record_signature", ["record_id"])
    with op.batch_alter_table("workshop_origin") as batch:
        batch.add_column(sa.Column("signature_state", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("signer", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workshop_origin") as batch:
        batch.drop_column("signer")
        batch.drop_column("signature_state")
    op.drop_index("ix_record_signature_record_id", table_name="record_signature")
    op.drop_table("record_signature")
    op.drop_table("trusted_key")
