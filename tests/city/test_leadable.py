"""The console's community choice is `may_lead_in` for every community, in two queries
however many communities the instance holds (no query per community)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event, select

from workshop.city.models import Agreement, StreetOffice
from workshop.city.service import leadable_communities, may_lead_in
from workshop.communities.models import Community
from workshop.db import utcnow

from ..factories import make_community, make_planner


def test_leadable_communities_follow_may_lead_in_in_a_fixed_number_of_queries(database):  # type: ignore[no-untyped-def]
    today = date.today()
    with database.unit_of_work() as db:
        office = StreetOffice(name="甲街道")
        db.add(office)
        db.flush()
        ann, bob = make_planner(db, username="ann"), make_planner(db, username="bob")
        clerk = make_planner(db, username="clerk")
        clerk.role = "street_office"
        make_community(db, name="seeded")  # laptop: open to every planner
        owned = make_community(db, name="owned")
        owned.created_by = ann.id
        city = [make_community(db, name=f"city {n}") for n in range(6)]
        for c in city:
            c.street_office_id = office.id
        db.flush()

        def agree(who, community, start, end, ended=False):  # type: ignore[no-untyped-def]
            db.add(
                Agreement(
                    planner_id=who.id,
                    community_id=community.id,
                    street_office_id=office.id,
                    starts_on=start,
                    ends_on=end,
                    ended_at=utcnow() if ended else None,
                )
            )

        agree(ann, city[0], today - timedelta(days=10), today + timedelta(days=10))
        agree(ann, city[1], today - timedelta(days=10), today - timedelta(days=1))  # over
        agree(bob, city[2], today, today + timedelta(days=400))
        agree(bob, city[3], today - timedelta(days=1), today + timedelta(days=1), ended=True)
        lapsed = make_community(db, name="lapsed laptop")  # open, but once agreed: closed
        agree(bob, lapsed, today - timedelta(days=30), today - timedelta(days=20))
        db.flush()

        statements: list[str] = []
        listen = db.get_bind()

        def count(*_args):  # type: ignore[no-untyped-def]
            statements.append("x")

        for who in (ann, bob, clerk):
            expected = [
                c.name
                for c in db.scalars(select(Community).order_by(Community.name))
                if may_lead_in(db, who, c)
            ]
            event.listen(listen, "before_cursor_execute", count)
            try:
                got = [c.name for c in leadable_communities(db, who)]
            finally:
                event.remove(listen, "before_cursor_execute", count)
            assert got == expected, who.username
            assert len(statements) <= 3, statements
            statements.clear()
        assert [c.name for c in leadable_communities(db, ann)] == ["city 0", "owned", "seeded"]
        assert [c.name for c in leadable_communities(db, bob)] == ["city 2", "seeded"]
        assert leadable_communities(db, clerk) == []
