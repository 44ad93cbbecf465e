"""community_asset: a community's standing inventory of assets (社区资产底册)

Assets that belong to the community itself and outlast its meetings, imported from GIS
files by those who may edit the community (workshop.inventory).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("asset_class", sa.String(length=16), nullable=False),
        sa.Column("subtype", sa.String(length=32), server_default="", nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=500), server_default="", nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["planner.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_community_asset_community_id", "community_asset", ["community_id"])


def downgrade() -> None:
    op.drop_index("ix_community_asset_community_id", table_name="community_asset")
    op.drop_table("community_asset")
