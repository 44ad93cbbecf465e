"""participant/proposal/voting_round ref: ids that survive a bundle round trip

The vote audit chain and the finalised-record chain name rows by these refs (not by
integer ids, which a bundle import renumbers), so an imported workshop verifies.
Existing rows get a random ref; chain entries written before this revision keep
verifying against their old (id-based) form in the database they were written in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 15:10:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("participant", "proposal", "voting_round")


def upgrade() -> None:
    bind = op.get_bind()
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("ref", sa.String(length=16), nullable=True))
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("ref", sa.String))
        ids = list(bind.execute(sa.select(table.c.id).where(table.c.ref.is_(None))).scalars())
        if ids:
            bind.execute(
                table.update().where(table.c.id == sa.bindparam("row_id")),
                [{"row_id": i, "ref": secrets.token_hex(8)} for i in ids],
            )
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column("ref", existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("ref")
