"""Issue 15's attacks, as written, on a city instance holding the demo data: a second
planner `bob` tries each one; each fails with a clear answer and demo's data is unchanged."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workshop.accounts.models import Organisation, Planner
from workshop.bundle import export_bundle
from workshop.city.models import ActivityLog
from workshop.cli import DEMO_PASSWORD, DEMO_USER, load_demo
from workshop.communities.models import Community
from workshop.demo import DEMO_OFFICE_PASSWORD, DEMO_OFFICE_USER
from workshop.followup.models import FollowUp
from workshop.followup.service import adopt
from workshop.proposals.models import Proposal
from workshop.service_log import yearly
from workshop.service_log.models import PointsRules, ServiceLogEntry
from workshop.workshops.models import SatisfactionResponse, Workshop
from workshop.workshops.service import create_workshop

from ..factories import PASSWORD, make_planner

RULES = {f"base_points.{wf}": "0" for wf in ("concept_promotion", "communication",
         "assessment", "community_building")}  # fmt: skip
RULES |= {f"capability.{t}": "0" for t in ("junior", "intermediate", "associate_senior", "senior")}
RULES |= {"satisfied.satisfied": "1", "band0.lowest": "60", "band0.coefficient": "0",
          "no_ratings_coefficient": "0", "cumulative_percent": "0", "special_cap": "0",
          "education_hours_per_star": "0"}  # fmt: skip
TABLES = (Community, Workshop, Organisation, PointsRules, FollowUp, ServiceLogEntry,
          SatisfactionResponse)  # fmt: skip


def _rows(db, model) -> list[tuple]:  # type: ignore[no-untyped-def]
    columns = [c.name for c in model.__table__.columns]
    return [tuple(getattr(r, c) for c in columns) for r in db.scalars(select(model))]


def demo_state(database) -> dict:  # type: ignore[no-untyped-def]
    """Everything of demo's an attack could change, row by row, and demo's points."""
    with database.unit_of_work(write=False) as db:
        demo = db.scalar(select(Planner).where(Planner.username == DEMO_USER))
        state = {m.__tablename__: _rows(db, m) for m in TABLES}
        state["demo"] = _rows(db, Planner)[demo.id - 1]
        ws = db.scalars(select(Workshop).where(Workshop.planner_id == demo.id))
        state["points"] = {
            y: yearly.year_summary(db=db, planner=demo, year=y).breakdown.total
            for y in {w.date.year for w in ws}
        }
        return state


def _with_demo(database) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Load the demo (its community has a street office and demo an agreement) and bob."""
    with database.unit_of_work() as db:
        load_demo(db)
        make_planner(db, username="bob", name="鲍勃")
        demo = db.scalar(select(Planner).where(Planner.username == DEMO_USER))
        community = db.scalar(select(Community).where(Community.street_office_id.is_not(None)))
        return demo.id, community.id


def login(app, username: str, password: str = PASSWORD) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    answer = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    return client


def test_organisation_cannot_be_claimed_and_its_rules_are_the_admins(app, database):
    demo_id, _ = _with_demo(database)
    before = demo_state(database)
    assert any(before["points"].values())  # demo has points to lose
    bob = login(app, "bob")
    with database.unit_of_work(write=False) as db:
        org_name = db.get(Planner, demo_id).organisation
    claim = bob.post(
        "/console/profile",
        data={"discipline": "planner", "title": "senior", "organisation": org_name},
        headers={"Accept": "text/html"},
    )
    assert claim.status_code == 409 and "邀请" in claim.text
    rules = bob.post("/console/points/rules", data={**RULES, "scope": "organisation"})
    assert rules.status_code == 422
    assert demo_state(database) == before
    with database.unit_of_work(write=False) as db:
        assert db.scalar(select(Planner).where(Planner.username == "bob")).organisation_id is None

    # The organisation's administrator (demo) may, and it is logged with who and when.
    demo = login(app, DEMO_USER, DEMO_PASSWORD)
    saved = demo.post("/console/points/rules", data={**RULES, "scope": "organisation"})
    assert saved.status_code in (200, 303)
    with database.unit_of_work(write=False) as db:
        logged = db.scalars(select(ActivityLog).where(ActivityLog.action == "organisation.rules"))
        assert [e.actor_id for e in logged] == [demo_id]


def test_only_the_office_and_agreement_planners_edit_a_community(app, database):
    demo_id, community_id = _with_demo(database)
    with database.unit_of_work() as db:  # bob ran a workshop there before agreements
        bob = db.scalar(select(Planner).where(Planner.username == "bob"))
        old = create_workshop(
            db=db, planner=bob, community_id=community_id, title="鲍勃的会", on=date(2026, 5, 1)
        )
        old_id = old.id
    before = demo_state(database)
    bob = login(app, "bob")
    edit = f"/console/communities/{community_id}/edit"
    assert bob.get(edit).status_code == 404
    moved = bob.post(edit, data={"name": "鲍勃改名社区", "district": "x", "street": "y"})
    assert moved.status_code == 404
    new = bob.post(
        "/console/workshops",
        data={"community_id": community_id, "title": "再开一场", "date": "2026-12-01"},
        headers={"Accept": "application/json"},
    )
    assert new.status_code == 403 and "服务协议" in new.json()["detail"]
    subtypes = bob.post(
        f"/console/workshops/{old_id}/assets/subtypes",
        data={"ecological": "鲍勃的分类"},
        headers={"Accept": "application/json"},
    )
    assert subtypes.status_code == 403
    assert demo_state(database) == before

    # demo (under agreement) and the street office may; each change names who and when.
    demo = login(app, DEMO_USER, DEMO_PASSWORD)
    assert demo.get(edit).status_code == 200
    office = login(app, DEMO_OFFICE_USER, DEMO_OFFICE_PASSWORD)
    renamed = office.post(edit, data={"name": "桃源里社区（更名）", "district": "示例区"})
    assert renamed.status_code in (200, 303)
    with database.unit_of_work(write=False) as db:
        assert db.get(Community, community_id).name == "桃源里社区（更名）"
        office_id = db.scalar(select(Planner.id).where(Planner.username == DEMO_OFFICE_USER))
        entry = db.scalars(select(ActivityLog).where(ActivityLog.action == "community.edit")).one()
        assert (entry.actor_id, entry.community_id) == (office_id, community_id)
        assert entry.detail["fields"] == ["name", "street"] and entry.at is not None
    page = demo.get(f"/console/communities/{community_id}").text
    changes = page[page.index('id="changes"') :]
    assert "示例街道办" in changes and "修改社区" in changes
    assert "服务器（命令行）" in changes  # the demo's setup, by `workshop demo`, not a blank


def test_community_page_shows_only_own_or_agreement_covered_decisions(app, database):
    demo_id, community_id = _with_demo(database)
    with database.unit_of_work() as db:
        demo = db.get(Planner, demo_id)
        closed = db.scalars(
            select(Workshop).where(Workshop.planner_id == demo_id, Workshop.stage == "closed")
        ).first()
        top = db.scalars(select(Proposal).where(Proposal.workshop_id == closed.id)).first()
        adopt(db=db, workshop=closed, planner=demo, proposal_id=top.id)
        title = top.title
        bob = db.scalar(select(Planner).where(Planner.username == "bob"))
        create_workshop(
            db=db, planner=bob, community_id=community_id, title="鲍勃的会", on=date(2026, 5, 1)
        )
    page = login(app, "bob").get(f"/console/communities/{community_id}")
    assert page.status_code == 200 and "鲍勃的会" in page.text
    assert title not in page.text
    assert (
        title
        in login(app, DEMO_USER, DEMO_PASSWORD).get(f"/console/communities/{community_id}").text
    )


def test_a_bundle_naming_demo_becomes_the_importers_never_demos(app, database, tmp_path):
    demo_id, _ = _with_demo(database)
    with database.unit_of_work() as db:
        # A bundle "Planted by bob": its lead planner row says username "demo".
        closed = db.scalars(
            select(Workshop).where(Workshop.planner_id == demo_id, Workshop.stage == "closed")
        ).first()
        bundle = export_bundle(db, closed).data
    before = demo_state(database)
    bob = login(app, "bob")
    with database.unit_of_work(write=False) as db:
        demo_workshops = db.scalar(
            select(func.count()).select_from(Workshop).where(Workshop.planner_id == demo_id)
        )
    answer = bob.post(
        "/console/bundles/import",
        files={"file": ("planted.zip", _fresh_uid(bundle), "application/zip")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with database.unit_of_work(write=False) as db:
        bob_row = db.scalar(select(Planner).where(Planner.username == "bob"))
        mine = db.scalars(select(Workshop).where(Workshop.planner_id == bob_row.id)).all()
        assert len(mine) == 1
        assert (
            db.scalar(
                select(func.count()).select_from(Workshop).where(Workshop.planner_id == demo_id)
            )
            == demo_workshops
        )
        assert (
            db.scalar(
                select(func.count())
                .select_from(Planner)
                .where(Planner.password_hash == "!imported")
            )
            == 0
        )
    after = demo_state(database)
    for key in ("demo", "points", "organisation", "points_rules"):
        assert after[key] == before[key]


def _fresh_uid(data: bytes) -> bytes:
    """The same bundle with another workshop uid (else the import sees it is already here),
    re-packed without the signature bob cannot make: it imports as unsigned (issue 16)."""
    import io
    import json
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename == "signature.json":
                continue
            blob = source.read(info.filename)
            if info.filename == "manifest.json":
                manifest = json.loads(blob)
                manifest["workshop_uid"] = "planted-by-bob-0001"
                blob = json.dumps(manifest).encode()
            target.writestr(info.filename, blob)
    return out.getvalue()


def test_service_can_be_logged_only_in_a_community_one_serves(app, database):
    """bob, with no agreement, cannot log service in demo's community (its street office
    would receive his entries to confirm), and its name is not among his form's choices."""
    demo_id, community_id = _with_demo(database)
    with database.unit_of_work(write=False) as db:
        name = db.get(Community, community_id).name
    before = demo_state(database)
    entry = {"community_id": community_id, "date": "2026-11-20",
             "work_function": "communication", "hours": "2", "summary": "走访居民"}  # fmt: skip
    bob = login(app, "bob")
    page = bob.get("/console/service-log").text
    assert name not in page and "还没有可以记录服务的社区" in page  # says why, no empty form
    refused = bob.post("/console/service-log", data=entry, headers={"Accept": "application/json"})
    assert refused.status_code == 403 and "服务协议" in refused.json()["detail"]
    assert demo_state(database) == before

    # demo serves it under an agreement: the same entry is logged.
    demo = login(app, DEMO_USER, DEMO_PASSWORD)
    assert name in demo.get("/console/service-log").text
    logged = demo.post("/console/service-log", data=entry, follow_redirects=False)
    assert logged.status_code == 303
    with database.unit_of_work(write=False) as db:
        kept = db.scalars(select(ServiceLogEntry).where(ServiceLogEntry.summary == "走访居民"))
        assert [(e.planner_id, e.community_id) for e in kept] == [(demo_id, community_id)]
