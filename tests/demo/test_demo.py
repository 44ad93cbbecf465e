"""`workshop demo`: the fresh workshop, and the finished meeting built through the
domain services (workshop.demo, maps/demo/meeting.json)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workshop.assessments.models import AssessmentRecord
from workshop.assets.models import Asset, AssetSupport
from workshop.audit.checks import verify_workshop
from workshop.cli import DEMO_PASSWORD, DEMO_USER, load_demo, main
from workshop.config import get_settings
from workshop.demo import meeting_data
from workshop.proposals.models import Proposal, ProposalAsset, VoteChange, VotingRound
from workshop.service_log.models import ServiceLogEntry
from workshop.voting.tally import tally, voters_by_source
from workshop.workshops.models import Participant, SatisfactionResponse, Workshop
from workshop.workshops.representativeness import representativeness, under_represented

TABLES = (Workshop, Participant, Asset, AssetSupport, Proposal, VoteChange, AssessmentRecord,
          ServiceLogEntry)  # fmt: skip


def _counts(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {t.__name__: db.scalar(select(func.count()).select_from(t)) for t in TABLES}


def _finished(db) -> Workshop:  # type: ignore[no-untyped-def]
    return db.scalars(select(Workshop).where(Workshop.title == meeting_data()["title"])).one()


@pytest.fixture
def demo(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        code, title = load_demo(db)
    return code, title


def test_demo_keeps_its_fresh_workshop_first_and_adds_a_finished_meeting(database, demo):
    code, title = demo
    with database.unit_of_work(write=False) as db:
        workshops = list(db.scalars(select(Workshop).order_by(Workshop.id)))
        assert [w.stage for w in workshops] == ["welcome", "closed"]
        fresh, finished = workshops
        assert (fresh.join_code, fresh.title) == (code, title)
        assert fresh.community_id == finished.community_id
        assert finished.date < fresh.date  # the console lists the fresh one first
        assert finished.planner.username == DEMO_USER


def test_loading_the_demo_twice_changes_nothing(database, demo):
    with database.unit_of_work(write=False) as db:
        before = _counts(db)
    with database.unit_of_work() as db:
        assert load_demo(db) == demo
    with database.unit_of_work(write=False) as db:
        assert _counts(db) == before


def test_the_finished_meeting_has_the_expected_numbers(database, demo):
    with database.unit_of_work(write=False) as db:
        ws = _finished(db)
        assets = list(db.scalars(select(Asset).where(Asset.workshop_id == ws.id)))
        assert len(assets) == 12
        assert sorted({a.asset_class for a in assets}) == ["cultural", "ecological", "human",
                                                           "social"]  # fmt: skip
        kinds = sorted(a.geometry["type"] for a in assets)
        assert kinds.count("LineString") == 1 and kinds.count("Polygon") == 1
        proposals = list(db.scalars(select(Proposal).where(Proposal.workshop_id == ws.id)))
        assert len(proposals) == 6
        linked = set(db.scalars(select(ProposalAsset.proposal_id)))
        assert {p.id for p in proposals} <= linked
        assert sum(p.location is not None for p in proposals) == 5

        (voting_round,) = db.scalars(select(VotingRound).where(VotingRound.workshop_id == ws.id))
        assert voting_round.status == "closed" and voting_round.method == "approval"
        assert voters_by_source(db=db, workshop=ws) == {"tablet": 11, "paper": 3, "assisted": 1}
        rows, voters = tally(db=db, workshop=ws)
        assert voters == 15
        assert (rows[0].title, rows[0].supporters) == ("滨水步道增设照明和休息座椅", 13)
        assert db.scalar(select(func.count()).select_from(Participant).where(
            Participant.workshop_id == ws.id)) == 15  # fmt: skip
        assert under_represented(representativeness(db=db, workshop=ws)) == ["中青年居民"]
        ratings = list(db.scalars(select(SatisfactionResponse.rating).where(
            SatisfactionResponse.workshop_id == ws.id)))  # fmt: skip
        assert len(ratings) == 11 and ratings.count("unsatisfied") == 1

        (record,) = db.scalars(
            select(AssessmentRecord).where(AssessmentRecord.workshop_id == ws.id)
        )
        assert record.is_final
        content = record.content
        assert content["participation"]["total"] == 15
        assert content["participation"]["duration_minutes"] == meeting_data()["minutes"]
        assert content["findings"].startswith("居民最看重桃源溪滨水步道")
        assert content["audit"]["record_hash"]
        entry = db.scalars(select(ServiceLogEntry).where(ServiceLogEntry.workshop_id == ws.id))
        assert len(list(entry)) == 1
        checked, problems = verify_workshop(db, ws.id)
        assert problems == [] and checked["records"] == 1 and checked["vote_changes"] == 40


def test_workshop_verify_passes_on_the_demo(database, demo, settings, monkeypatch, capsys):
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        with database.unit_of_work(write=False) as db:
            ws_id = _finished(db).id
        assert main(["verify"]) == 0
        assert f"workshop {ws_id}: OK (40 vote changes, 1 records)" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


def test_the_demo_planner_opens_the_finished_meetings_pages(app, database, demo):
    with database.unit_of_work(write=False) as db:
        ws_id = _finished(db).id
    client = TestClient(app)
    client.post("/login", data={"username": DEMO_USER, "password": DEMO_PASSWORD})
    # The console page loads its panels by htmx: it shows the title; the records, the rest.
    for path, text in (("", meeting_data()["title"]), ("/voting/_panel", "纸质选票"),
                       ("/assessment", "滨水步道增设照明和休息座椅"),
                       ("/report.html", "滨水步道增设照明和休息座椅")):  # fmt: skip
        page = client.get(f"/console/workshops/{ws_id}{path}")
        assert page.status_code == 200, path
        assert text in page.text, path
    pdf = client.get(f"/console/workshops/{ws_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
