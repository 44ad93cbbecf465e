"""community.base_layers, the megabytes of a community's base map, as its last column

SQLite reads a row's columns in order, and a value too big for its page continues on a
chain of overflow pages that is walked to reach any column after it. With base_layers
in the middle, every load of a community (each pin checks its boundary and subtypes)
walked a megabyte base map's chain to read `asset_subtypes`, `base_map`, `created_by`
and `street_office_id` (issue 14: a pin's cost independent of the base map). SQLite only:
PostgreSQL keeps large values out of line (TOAST), whatever their position.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("id", "name", "district", "street", "boundary", "base_layers", "created_at",
          "asset_subtypes", "base_map", "created_by", "street_office_id")  # fmt: skip
AFTER = tuple(c for c in BEFORE if c != "base_layers") + ("base_layers",)


def _reorder(order: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "community", recreate="always", partial_reordering=[order]
    ) as batch_op:
        batch_op.alter_column("base_layers")  # nothing changes but the order


def upgrade() -> None:
    _reorder(AFTER)


def downgrade() -> None:
    _reorder(BEFORE)
