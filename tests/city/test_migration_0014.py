"""Migration 0014 carries existing data forward: organisation names become records (the
earliest planner administers), planners get agreements for the communities they work in."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, select, text

from workshop.accounts.models import Organisation, Planner
from workshop.city.models import Agreement
from workshop.city.service import has_agreement
from workshop.db import Database
from workshop.migrate import alembic_config, upgrade

from ..factories import make_community, make_planner, make_workshop


def test_existing_planners_get_agreements_and_organisations_records(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    database = Database(url)
    with database.unit_of_work() as db:
        first = make_planner(db, username="first")
        second = make_planner(db, username="second")
        loner = make_planner(db, username="loner")
        here = make_community(db)
        made = make_community(db, name="自建社区", created_by=second.id)
        make_workshop(db, planner=first, community=here, on=date(2025, 3, 1))
        make_workshop(db, planner=first, community=here, on=date(2026, 5, 1))
        ids = {"first": first.id, "second": second.id, "loner": loner.id}
        ids |= {"here": here.id, "made": made.id}
    database.dispose()
    command.downgrade(alembic_config(url), "0013")
    engine = create_engine(url)
    with engine.begin() as conn:  # the 0013 schema: organisations were typed text
        conn.execute(
            text("UPDATE planner SET organisation = '示例规划院' WHERE username != 'loner'")
        )
    engine.dispose()
    upgrade(url)

    database = Database(url)
    with database.unit_of_work(write=False) as db:
        org = db.scalars(select(Organisation)).one()
        assert (org.name, org.admin_id) == ("示例规划院", ids["first"])
        members = {p.username for p in db.scalars(select(Planner)) if p.organisation_id == org.id}
        assert members == {"first", "second"}
        rows = {(a.planner_id, a.community_id): a for a in db.scalars(select(Agreement))}
        assert set(rows) == {(ids["first"], ids["here"]), (ids["second"], ids["made"])}
        assert rows[(ids["first"], ids["here"])].starts_on == date(2025, 3, 1)
        assert has_agreement(db, db.get(Planner, ids["first"]), ids["here"])
        assert not has_agreement(db, db.get(Planner, ids["loner"]), ids["here"])
        assert all(p.role == "planner" for p in db.scalars(select(Planner)))
    database.dispose()
