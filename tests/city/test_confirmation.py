"""The street office confirms (确认) or returns (退回) planners' service-log entries, and the
labelled rule "count only confirmed entries" makes the points follow (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.assessments import versions
from workshop.city import service as city
from workshop.city.models import ActivityLog
from workshop.errors import Invalid, NotFound
from workshop.service_log import yearly
from workshop.service_log.models import PointsRules, ServiceLogEntry
from workshop.service_log.points import DEFAULT_RULES, merge_rules

from ..factories import PASSWORD, make_community, make_planner
from ..records.helpers import closed_workshop


def _arrange(database) -> dict:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        office = city.create_street_office(s, by=None, name="甲街道办")
        other = city.create_street_office(s, by=None, name="乙街道办")
        community = make_community(s, street_office_id=office.id)
        lead = make_planner(s, username="lead", title="junior")
        city.sign_agreement(s, by=None, planner=lead, community=community)
        ws, _ = closed_workshop(s, planner=lead, community=community, on=date(2026, 11, 24))
        versions.finalise(db=s, workshop=ws, planner=lead)  # adds an 规划评估 entry
        for name, office_id in (("office", office.id), ("other", other.id)):
            user = make_planner(s, username=name)
            user.role, user.street_office_id = "street_office", office_id
        s.add(PointsRules(planner_id=lead.id, rules={"confirmed_only": True}))
        entry = s.scalar(select(ServiceLogEntry).where(ServiceLogEntry.planner_id == lead.id))
        return {"entry": entry.id, "lead": lead.id}


def _points(database, planner_id: int) -> float:  # type: ignore[no-untyped-def]
    from workshop.accounts.models import Planner

    with database.unit_of_work(write=False) as s:
        planner = s.get(Planner, planner_id)
        return yearly.year_summary(db=s, planner=planner, year=2026).breakdown.total


def _as(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, headers={"Accept": "application/json"})
    assert (
        client.post(
            "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
        ).status_code
        == 303
    )
    return client


def test_the_default_rule_needs_no_confirmation_and_is_labelled():
    assert DEFAULT_RULES["confirmed_only"] is False
    assert merge_rules({"confirmed_only": True})["confirmed_only"] is True


def test_only_confirmed_entries_count_when_the_rule_says_so(app, database):
    ids = _arrange(database)
    # 规划评估 base 2 × junior 1.0 × satisfaction 5/6 = 83 % → band 0.9: 1.8 once confirmed
    assert _points(database, ids["lead"]) == 0.0
    office = _as(app, "office")
    page = office.get("/console/office", headers={"Accept": "text/html"}).text
    assert f'id="entry-{ids["entry"]}"' in page and "待确认" in page
    other = _as(app, "other")
    assert other.post(f"/console/office/entries/{ids['entry']}/confirm").status_code == 404
    assert _points(database, ids["lead"]) == 0.0
    assert (
        office.post(
            f"/console/office/entries/{ids['entry']}/confirm", follow_redirects=False
        ).status_code
        == 303
    )
    assert _points(database, ids["lead"]) == pytest.approx(1.8)
    with database.unit_of_work(write=False) as s:
        entry = s.get(ServiceLogEntry, ids["entry"])
        assert entry.confirmation == "confirmed" and entry.confirmed_at is not None
        assert s.scalar(select(ActivityLog.action).where(ActivityLog.action == "entry.confirm"))


def test_returning_needs_a_reason_and_the_planner_sees_it(app, database):
    ids = _arrange(database)
    office = _as(app, "office")
    url = f"/console/office/entries/{ids['entry']}/return"
    empty = office.post(url, data={"reason": "  "})
    assert empty.status_code == 422 and "原因" in empty.json()["detail"]
    with database.unit_of_work(write=False) as s:
        assert s.get(ServiceLogEntry, ids["entry"]).confirmation == "pending"
    assert (
        office.post(url, data={"reason": "请补充签到表"}, follow_redirects=False).status_code == 303
    )
    lead = _as(app, "lead")
    log = lead.get("/console/service-log", headers={"Accept": "text/html"}).text
    assert "已退回" in log and "请补充签到表" in log
    assert _points(database, ids["lead"]) == 0.0


def test_office_functions_refuse_entries_outside_the_office(database):
    ids = _arrange(database)
    from workshop.accounts.models import Planner
    from workshop.city import office

    with database.unit_of_work() as s:
        other = s.scalar(select(Planner).where(Planner.username == "other"))
        with pytest.raises(NotFound):
            office.confirm_entry(s, office_user=other, entry_id=ids["entry"])
        mine = s.scalar(select(Planner).where(Planner.username == "office"))
        with pytest.raises(Invalid):
            office.return_entry(s, office_user=mine, entry_id=ids["entry"], reason="")
