"""Migration 0017 (registration review, claim-link expiry) carries existing data forward:
every existing account stays admitted and logs in; a placeholder stays a placeholder."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, select

from workshop.accounts import claims, registration
from workshop.accounts.models import Invitation, Planner
from workshop.accounts.service import authenticate
from workshop.db import Database, utcnow
from workshop.migrate import alembic_config, upgrade

from ..factories import PASSWORD, make_planner


def test_existing_accounts_stay_approved_and_placeholders_claimable(settings):
    """On the test database (SQLite or PostgreSQL): down to 0016, rows as 0016 made them,
    up again."""
    url = settings.resolved_database_url()
    command.downgrade(alembic_config(url), "0016")
    engine = create_engine(url)
    assert "planner_application" not in inspect(engine).get_table_names()
    assert "expires_at" not in {c["name"] for c in inspect(engine).get_columns("invitation")}
    with engine.begin() as conn:  # accounts as 0016 made them
        common = {"created_at": utcnow(), "organisation": "", "role": "planner"}
        for row in (
            {"username": "old", "password_hash": "x", "name": "老规划师", "disabled_at": None},
            {"username": "ghost", "password_hash": "!invited", "name": "导入",
             "disabled_at": utcnow()},
        ):  # fmt: skip
            conn.execute(Planner.__table__.insert().values(**common, **row))
        ghost = conn.execute(select(Planner.id).where(Planner.username == "ghost")).scalar_one()
        conn.execute(
            Invitation.__table__.insert().values(
                kind="account", planner_id=ghost, named_as="ghost", created_at=utcnow()
            )
        )
    engine.dispose()
    upgrade(url)

    database = Database(url)
    with database.unit_of_work() as db:
        old = db.scalar(select(Planner).where(Planner.username == "old"))
        assert registration.state_of(db, old) == "approved"
        assert registration.pending(db) == [] and registration.unadmitted(db) == {}
        ghost_account = db.get(Planner, ghost)
        assert claims.is_placeholder(ghost_account)
        assert [p.account.username for p in claims.open_placeholders(db)] == ["ghost"]
        # A migrated account logs in as before (with a password set here).
        made = make_planner(db, username="fresh")
        assert authenticate(db=db, username="fresh", password=PASSWORD).id == made.id
    database.dispose()
    command.downgrade(alembic_config(url), "0016")  # and back down cleanly
    upgrade(url)
