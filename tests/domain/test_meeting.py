"""The meeting loop as plain functions: no HTTP, a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workshop.assessments.models import AssessmentRecord
from workshop.assessments.versions import finalise
from workshop.assets.features import counts_by_class
from workshop.assets.service import pin_asset
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.proposals.models import Vote
from workshop.proposals.service import set_support, submit_proposal, tally
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops import service
from workshop.workshops.stages import advance_stage

from ..factories import demo_centre, make_participant, make_workshop


def test_join_codes_avoid_ambiguous_characters(db):
    codes = {service.new_join_code() for _ in range(500)}
    assert all(len(c) == 6 for c in codes)
    assert not set("".join(codes)) & set("01OIL")
    assert service.normalise_code(" ab-c 2d ") == "ABC2D"


def test_join_requires_consent_and_a_known_group(db):
    workshop = make_workshop(db)
    with pytest.raises(Invalid, match="join.consent_required"):
        make_participant(db, workshop, consent=False)
    with pytest.raises(Invalid, match="join.unknown_group"):
        make_participant(db, workshop, group="外星人")
    p = make_participant(db, workshop, group="老年居民", nickname="王阿姨")
    assert p.group == "老年居民" and len(p.token) >= 32


def test_stages_advance_in_order_and_refuse_a_stale_click(db):
    workshop = make_workshop(db)
    assert advance_stage(db=db, workshop=workshop, expected="welcome") == "mapping"
    assert workshop.opened_at is not None
    with pytest.raises(Conflict, match="stage.changed"):
        advance_stage(db=db, workshop=workshop, expected="welcome")
    for stage in ("proposals", "voting", "satisfaction", "closed"):
        assert advance_stage(db=db, workshop=workshop) == stage
    with pytest.raises(Conflict, match="stage.already_closed"):
        advance_stage(db=db, workshop=workshop)


def test_pin_asset_inside_boundary_is_saved(db):
    workshop = make_workshop(db, stage="mapping")
    lon, lat = demo_centre()
    asset = pin_asset(
        db=db,
        workshop=workshop,
        participant=None,
        asset_class="cultural",
        name=" 老茶馆 ",
        lon=lon,
        lat=lat,
    )
    assert asset.name == "老茶馆"
    # stored to 7 decimals (~1 cm)
    assert asset.geometry == {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
    assert counts_by_class(db=db, workshop=workshop) == {
        "ecological": 0,
        "cultural": 1,
        "social": 0,
        "human": 0,
    }


def test_pin_asset_outside_boundary_says_how_far(db):
    workshop = make_workshop(db, stage="mapping")
    lon, lat = demo_centre()
    # ~0.01° of latitude is ~1.1 km: far outside the ~800 m community.
    with pytest.raises(Invalid) as err:
        pin_asset(
            db=db,
            workshop=workshop,
            participant=None,
            asset_class="social",
            name="远处",
            lon=lon,
            lat=lat + 0.01,
        )
    assert err.value.key == "geo.outside_boundary"
    assert 500 < err.value.params["metres"] < 1200


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"asset_class": "magic"}, "asset.unknown_class"),
        ({"name": "  "}, "asset.name_required"),
        ({"name": "名" * 61}, "field.too_long"),
        ({"lon": None}, "geo.point_missing"),
        ({"lon": 29.55, "lat": 106.54}, "geo.swapped"),
        ({"lon": 200.0, "lat": 29.5}, "geo.out_of_range"),
        ({"lon": float("nan")}, "geo.point_missing"),
    ],
)
def test_pin_asset_rejects_bad_input(db, kwargs, key):
    workshop = make_workshop(db, stage="mapping")
    lon, lat = demo_centre()
    fields = {"asset_class": "ecological", "name": "古树", "lon": lon, "lat": lat} | kwargs
    with pytest.raises(Invalid) as err:
        pin_asset(db=db, workshop=workshop, participant=None, **fields)
    assert err.value.key == key


def test_assets_only_during_mapping(db):
    workshop = make_workshop(db, stage="proposals")
    lon, lat = demo_centre()
    with pytest.raises(Forbidden, match="stage.not_open"):
        pin_asset(
            db=db,
            workshop=workshop,
            participant=None,
            asset_class="ecological",
            name="古树",
            lon=lon,
            lat=lat,
        )


def _voting_workshop(db, proposals=("修缮老院子", "增设休息座椅", "步道照明")):
    workshop = make_workshop(db, stage="proposals")
    made = [submit_proposal(db=db, workshop=workshop, participant=None, title=t) for t in proposals]
    advance_stage(db=db, workshop=workshop)
    return workshop, made


def test_approval_tally_ranks_with_hand_computed_shares(db):
    workshop, (a, b, c) = _voting_workshop(db)
    voters = [make_participant(db, workshop) for _ in range(4)]
    # a: 3 supporters, b: 3 (one withdrawn later → 2), c: 1; voters: 4 in total.
    plan = {a.id: voters[:3], b.id: voters[1:4], c.id: voters[3:]}
    for pid, ps in plan.items():
        for p in ps:
            set_support(db=db, workshop=workshop, participant=p, proposal_id=pid, support=True)
    set_support(db=db, workshop=workshop, participant=voters[3], proposal_id=b.id, support=False)
    rows, n = tally(db=db, workshop=workshop)
    assert n == 4
    assert [(r.title, r.supporters, r.rank) for r in rows] == [
        ("修缮老院子", 3, 1),
        ("增设休息座椅", 2, 2),
        ("步道照明", 1, 3),
    ]
    assert rows[0].support_share == pytest.approx(0.75)
    assert rows[2].support_share == pytest.approx(0.25)


def test_ties_share_a_rank(db):
    workshop, (a, b, c) = _voting_workshop(db)
    p = make_participant(db, workshop)
    for prop in (a, b):
        set_support(db=db, workshop=workshop, participant=p, proposal_id=prop.id, support=True)
    rows, _ = tally(db=db, workshop=workshop)
    assert [r.rank for r in rows] == [1, 1, 3]


def test_database_refuses_a_second_vote_row(db):
    workshop, (a, *_rest) = _voting_workshop(db)
    p = make_participant(db, workshop)
    vote = set_support(db=db, workshop=workshop, participant=p, proposal_id=a.id, support=True)
    db.add(Vote(round_id=vote.round_id, proposal_id=a.id, participant_id=p.id, value=1))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_votes_refused_outside_the_round_and_across_workshops(db):
    workshop, (a, *_rest) = _voting_workshop(db)
    p = make_participant(db, workshop)
    other, (foreign, *_x) = _voting_workshop(db, proposals=("别处的提案",))
    with pytest.raises(NotFound):
        set_support(db=db, workshop=workshop, participant=p, proposal_id=foreign.id, support=True)
    outsider = make_participant(db, other)
    with pytest.raises(Forbidden, match="vote.not_participant"):
        set_support(db=db, workshop=workshop, participant=outsider, proposal_id=a.id, support=True)
    advance_stage(db=db, workshop=workshop)  # voting → satisfaction closes the round
    with pytest.raises(Forbidden):
        set_support(db=db, workshop=workshop, participant=p, proposal_id=a.id, support=True)


def test_closing_writes_a_draft_and_finalising_the_service_log(db):
    workshop, (a, b, _c) = _voting_workshop(db)
    old = make_participant(db, workshop, group="老年居民")
    young = make_participant(db, workshop, group="中青年居民")
    for p in (old, young):
        set_support(db=db, workshop=workshop, participant=p, proposal_id=b.id, support=True)
    advance_stage(db=db, workshop=workshop)  # satisfaction
    service.rate_service(db=db, workshop=workshop, participant=old, rating="satisfied")
    service.rate_service(db=db, workshop=workshop, participant=young, rating="unsatisfied")
    advance_stage(db=db, workshop=workshop)  # closed

    record = db.scalars(select(AssessmentRecord)).one()
    content = record.content
    assert record.version == 1
    assert content["participation"]["total"] == 2
    assert {g["group"]: g["count"] for g in content["participation"]["by_group"]} == {
        "老年居民": 1,
        "中青年居民": 1,
    }
    assert content["proposals"][0]["title"] == "增设休息座椅"
    assert content["proposals"][0]["support_share"] == 1.0
    assert content["satisfaction"]["rate"] == 0.5
    assert [c["key"] for c in content["assets"]["by_class"]] == [
        "ecological",
        "cultural",
        "social",
        "human",
    ]

    assert record.finalised_at is None
    assert db.scalars(select(ServiceLogEntry)).first() is None  # a draft proves nothing yet
    # The meeting ran 1 h 10 min: the entry counts it rounded up to half hours, 1.5 h.
    workshop.opened_at = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    workshop.closed_at = workshop.opened_at + timedelta(hours=1, minutes=10)
    finalise(db=db, workshop=workshop, planner=workshop.planner)
    entry = db.scalars(select(ServiceLogEntry)).one()
    assert entry.planner_id == workshop.planner_id
    assert entry.work_function == "assessment"
    assert entry.assessment_id == record.id
    assert entry.satisfaction_rate == 0.5
    assert entry.hours == 1.5


def test_satisfaction_answer_can_be_changed_once_per_person(db):
    workshop = make_workshop(db, stage="satisfaction")
    p = make_participant(db, workshop)
    service.rate_service(db=db, workshop=workshop, participant=p, rating="unsatisfied")
    service.rate_service(db=db, workshop=workshop, participant=p, rating="basic")
    summary = service.satisfaction_summary(db=db, workshop=workshop)
    assert summary == {
        "responses": 1,
        "counts": {"satisfied": 0, "basic": 1, "unsatisfied": 0},
        "rate": 1.0,
    }


def test_consensus_by_proposal_reads_groups_from_the_vote_rows(db):
    from workshop.proposals.service import consensus_by_proposal
    from workshop.voting.consensus import Verdict

    workshop, (a, b, c) = _voting_workshop(db)
    old = [make_participant(db, workshop, group="老年居民") for _ in range(4)]
    shops = [make_participant(db, workshop, group="商户") for _ in range(3)]
    plan = {a.id: old + shops[:1], b.id: old + shops}
    for pid, people in plan.items():
        for p in people:
            set_support(db=db, workshop=workshop, participant=p, proposal_id=pid, support=True)
    result = consensus_by_proposal(db=db, workshop=workshop)
    # a: 5 of 7 voters (71 %), but 商户 only 1 of 3 → contested, 商户 dissents.
    assert result[a.id].verdict is Verdict.CONTESTED
    assert result[a.id].dissenting_groups == ("商户",)
    assert result[a.id].agreement == pytest.approx(5 / 7)
    # b: everyone → consensus; Pol.is (5/6)·(4/5) = 2/3 for the two groups that voted,
    # times ½ for each of the four offered groups nobody voted in: 2/3 / 16 = 1/24.
    assert result[b.id].verdict is Verdict.CONSENSUS
    assert result[b.id].polis == pytest.approx(1 / 24)
    # c: nobody supports it: 0 of 7 → contested (agreement 0).
    assert result[c.id].verdict is Verdict.CONTESTED and result[c.id].agreement == 0
