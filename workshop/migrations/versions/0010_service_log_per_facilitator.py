"""service_log_entry: one automatic entry per workshop and planner (co-facilitators too)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 15:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_log_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_service_log_entry_auto_workshop_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_service_log_entry_planner_id_auto_workshop_id"),
            ["planner_id", "auto_workshop_id"],
        )


def downgrade() -> None:
    # Keeps the lead planner's entries; co-facilitators' automatic entries become manual.
    op.execute(
        "UPDATE service_log_entry SET auto_workshop_id = NULL WHERE auto_workshop_id IS NOT NULL"
        " AND planner_id <> (SELECT planner_id FROM workshop"
        " WHERE workshop.id = service_log_entry.auto_workshop_id)"
    )
    with op.batch_alter_table("service_log_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_service_log_entry_planner_id_auto_workshop_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_service_log_entry_auto_workshop_id"), ["auto_workshop_id"]
        )
