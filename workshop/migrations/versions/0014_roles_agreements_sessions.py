"""Roles, organisations, street offices, agreements, server-side sessions, confirmations

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 06:00:00.000000

Existing data carried forward:
- every distinct planner.organisation text becomes an organisation record whose
  administrator is the earliest planner that named it; those planners are its members;
- every planner gets an agreement (no street office, from the first to three years after
  the last workshop) for each community where they lead a workshop or created it;
- existing service-log entries stay "pending" (the default rules do not ask for a
  confirmation, so points do not change).
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGREEMENT_YEARS = 3


def _tables() -> None:
    op.create_table(
        "street_office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street_office")),
        sa.UniqueConstraint("name", name=op.f("uq_street_office_name")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_id"], ["planner.id"], name="fk_organisation_admin_id_planner"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    with op.batch_alter_table("planner", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="planner", nullable=False)
        )
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("street_office_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_planner_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_planner_street_office_id_street_office"),
            "street_office",
            ["street_office_id"],
            ["id"],
        )
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street_office_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_community_street_office_id_street_office"),
            "street_office",
            ["street_office_id"],
            ["id"],
        )
    with op.batch_alter_table("service_log_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "confirmation", sa.String(length=16), server_default="pending", nullable=False
            )
        )
        batch_op.add_column(sa.Column("confirmed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("return_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_service_log_entry_confirmed_by_planner"),
            "planner",
            ["confirmed_by"],
            ["id"],
        )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planner_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("street_office_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_agreement_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["planner.id"], name=op.f("fk_agreement_created_by_planner")
        ),
        sa.ForeignKeyConstraint(
            ["planner_id"], ["planner.id"], name=op.f("fk_agreement_planner_id_planner")
        ),
        sa.ForeignKeyConstraint(
            ["street_office_id"],
            ["street_office.id"],
            name=op.f("fk_agreement_street_office_id_street_office"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_community_id"), ["community_id"])
        batch_op.create_index(batch_op.f("ix_agreement_planner_id"), ["planner_id"])
    op.create_table(
        "activity_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["planner.id"], name=op.f("fk_activity_log_actor_id_planner")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_activity_log_community_id_community"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_activity_log_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_log")),
    )
    with op.batch_alter_table("activity_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_log_at"), ["at"])
        batch_op.create_index(batch_op.f("ix_activity_log_community_id"), ["community_id"])
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("planner_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("named_as", sa.String(length=64), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["planner.id"], name=op.f("fk_invitation_created_by_planner")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_invitation_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["planner_id"], ["planner.id"], name=op.f("fk_invitation_planner_id_planner")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_invitation_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_planner_id"), ["planner_id"])
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("planner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["planner_id"], ["planner.id"], name=op.f("fk_login_session_planner_id_planner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_planner_id"), ["planner_id"])


def _carry_forward() -> None:
    conn = op.get_bind()
    planner = sa.table(
        "planner",
        sa.column("id", sa.Integer),
        sa.column("organisation", sa.String),
        sa.column("organisation_id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    organisation = sa.table(
        "organisation",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("admin_id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = conn.execute(
        sa.select(planner.c.id, planner.c.organisation, planner.c.created_at)
        .where(planner.c.organisation != "")
        .order_by(planner.c.created_at, planner.c.id)
    ).all()
    made: dict[str, int] = {}
    for pid, name, created in rows:
        if name not in made:
            made[name] = conn.execute(
                sa.insert(organisation)
                .values(name=name, admin_id=pid, created_at=created)
                .returning(organisation.c.id)
            ).scalar_one()
        conn.execute(
            sa.update(planner).where(planner.c.id == pid).values(organisation_id=made[name])
        )

    workshop = sa.table(
        "workshop",
        sa.column("planner_id", sa.Integer),
        sa.column("community_id", sa.Integer),
        sa.column("date", sa.Date),
    )
    community = sa.table(
        "community",
        sa.column("id", sa.Integer),
        sa.column("created_by", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    agreement = sa.table(
        "agreement",
        sa.column("planner_id", sa.Integer),
        sa.column("community_id", sa.Integer),
        sa.column("starts_on", sa.Date),
        sa.column("ends_on", sa.Date),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    spans: dict[tuple[int, int], list[date]] = {}
    for pid, cid, first, last in conn.execute(
        sa.select(
            workshop.c.planner_id,
            workshop.c.community_id,
            sa.func.min(workshop.c.date),
            sa.func.max(workshop.c.date),
        ).group_by(workshop.c.planner_id, workshop.c.community_id)
    ):
        spans[(pid, cid)] = [_day(first), _day(last)]
    for cid, pid, created in conn.execute(
        sa.select(community.c.id, community.c.created_by, community.c.created_at).where(
            community.c.created_by.is_not(None)
        )
    ):
        day = created.date() if hasattr(created, "date") else _day(str(created)[:10])
        span = spans.setdefault((pid, cid), [day, day])
        span[0] = min(span[0], day)
    today = date.today()
    for (pid, cid), (first, last) in sorted(spans.items()):
        end = max(last, today) + timedelta(days=365 * AGREEMENT_YEARS)
        conn.execute(
            sa.insert(agreement).values(
                planner_id=pid,
                community_id=cid,
                starts_on=first,
                ends_on=end,
                created_at=sa.func.current_timestamp(),
            )
        )


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    _tables()
    _carry_forward()


def downgrade() -> None:
    op.drop_table("login_session")
    op.drop_table("invitation")
    op.drop_table("activity_log")
    op.drop_table("agreement")
    with op.batch_alter_table("service_log_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_service_log_entry_confirmed_by_planner"), type_="foreignkey"
        )
        for column in ("return_reason", "confirmed_at", "confirmed_by", "confirmation"):
            batch_op.drop_column(column)
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_community_street_office_id_street_office"), type_="foreignkey"
        )
        batch_op.drop_column("street_office_id")
    with op.batch_alter_table("planner", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_planner_street_office_id_street_office"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_planner_organisation_id_organisation"), type_="foreignkey"
        )
        for column in ("disabled_at", "street_office_id", "organisation_id", "role"):
            batch_op.drop_column(column)
    op.drop_table("organisation")
    op.drop_table("street_office")
