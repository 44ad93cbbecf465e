"""三师会商 side by side with the residents' verdict; follow-up of adopted proposals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from workshop.assessments import versions
from workshop.assessments.review import add_facilitator, compare, save_review
from workshop.assessments.service import latest_record
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.followup import service as followup
from workshop.proposals.service import submit_proposal

from ..factories import make_planner, make_workshop
from .helpers import closed_workshop


def _team(db, workshop):
    architect = make_planner(db, discipline="architect", name="李建筑")
    engineer = make_planner(db, discipline="engineer", name="王工程")
    for p in (architect, engineer):
        add_facilitator(db=db, workshop=workshop, by=workshop.planner, username=p.username)
    return architect, engineer


def _rows(db, workshop):
    record = latest_record(db=db, workshop=workshop)
    content = versions.current_content(db=db, workshop=workshop, record=record)
    return {r["title"]: r for r in content["reviews"]}


def test_review_shows_both_sides_and_states_the_disagreement(db):
    workshop, props = closed_workshop(db)
    architect, engineer = _team(db, workshop)
    seats, lights = props["增设休息座椅"].id, props["步道照明"].id
    review = {"cost_band": "10k_100k", "priority": "high"}
    save_review(db=db, workshop=workshop, planner=architect, proposal_id=seats,
                feasibility="not_feasible", comment="人行道宽度不足 1.5 米", **review)  # fmt: skip
    save_review(db=db, workshop=workshop, planner=engineer, proposal_id=seats,
                feasibility="feasible", **review)  # fmt: skip
    save_review(db=db, workshop=workshop, planner=workshop.planner, proposal_id=lights,
                feasibility="feasible", **review)  # fmt: skip

    rows = _rows(db, workshop)
    seat_row = rows["增设休息座椅"]
    assert seat_row["verdict_label"] == "形成共识"
    assert [(r["discipline_label"], r["feasibility_label"]) for r in seat_row["reviews"]] == [
        ("建筑师", "不可行"),
        ("工程师", "可行"),
    ]
    assert seat_row["disagreement"] is True
    text = " ".join(seat_row["statements"])
    assert "三师意见不一致：工程师王工程认为可行或有条件可行，建筑师李建筑认为不可行" in text
    assert "居民已形成共识，但建筑师李建筑认为不可行" in text
    assert "居民意见存在分歧" not in text  # the residents agreed on this one
    light_row = rows["步道照明"]
    assert light_row["disagreement"] is True
    assert "但居民意见存在分歧" in light_row["statements"][0]
    assert rows["修缮老院子"]["statements"] == ["尚无专业评审。"]


def test_reviews_freeze_with_the_version_and_a_later_review_starts_a_draft(db):
    workshop, props = closed_workshop(db)
    architect, _ = _team(db, workshop)
    seats = props["增设休息座椅"].id
    fields = {"cost_band": "under_10k", "priority": "medium", "comment": ""}
    versions.review_proposal(db=db, workshop=workshop, planner=architect, proposal_id=seats,
                             feasibility="feasible", **fields)  # fmt: skip
    v1 = versions.finalise(db=db, workshop=workshop, planner=workshop.planner)
    frozen = {r["title"]: r for r in v1.content["reviews"]}["增设休息座椅"]
    assert frozen["statements"] == ["居民共识与专业评审一致：建筑师李建筑认为可行。"]
    fields["comment"] = "需避让消防通道"
    versions.review_proposal(db=db, workshop=workshop, planner=architect, proposal_id=seats,
                             feasibility="conditional", **fields)  # fmt: skip
    assert latest_record(db=db, workshop=workshop).version == 2
    db.expire_all()
    v1 = versions.record_version(db=db, workshop=workshop, version=1)
    assert {r["title"]: r for r in v1.content["reviews"]}["增设休息座椅"] == frozen
    assert "有条件可行" in " ".join(_rows(db, workshop)["增设休息座椅"]["statements"])


def test_review_input_is_checked(db):
    workshop, props = closed_workshop(db)
    outsider = make_planner(db)
    other_workshop, other_props = closed_workshop(db)
    ok = {"cost_band": "under_10k", "priority": "low", "feasibility": "feasible"}
    seats = props["增设休息座椅"].id
    with pytest.raises(NotFound):
        save_review(db=db, workshop=workshop, planner=outsider, proposal_id=seats, **ok)
    with pytest.raises(NotFound):
        save_review(db=db, workshop=workshop, planner=workshop.planner,
                    proposal_id=other_props["增设休息座椅"].id, **ok)  # fmt: skip
    with pytest.raises(Invalid, match="review.comment_required"):
        save_review(db=db, workshop=workshop, planner=workshop.planner, proposal_id=seats,
                    **(ok | {"feasibility": "not_feasible"}))  # fmt: skip
    with pytest.raises(Invalid, match="review.cost_required"):
        save_review(db=db, workshop=workshop, planner=workshop.planner, proposal_id=seats,
                    **(ok | {"cost_band": "free"}))  # fmt: skip


@pytest.mark.parametrize(
    ("verdict", "feasibility", "disagree", "phrase"),
    [
        ("consensus", "feasible", False, "一致"),
        ("consensus", "conditional", False, "有条件可行"),
        ("consensus", "not_feasible", True, "居民已形成共识，但"),
        ("contested", "not_feasible", False, "也认为不可行"),
        ("insufficient", "feasible", False, "参与不足"),
    ],
)
def test_compare_in_words(verdict, feasibility, disagree, phrase):
    review = {"discipline_label": "工程师", "name": "王工", "feasibility": feasibility}
    statements, flag = compare(verdict, [review])
    assert flag is disagree and phrase in " ".join(statements)


def test_follow_up_moves_one_step_at_a_time_or_is_shelved_with_a_reason(db):
    workshop, props = closed_workshop(db)
    lead = workshop.planner
    item = followup.adopt(
        db=db, workshop=workshop, planner=lead, proposal_id=props["增设休息座椅"].id
    )
    day = workshop.date + timedelta(days=1)
    assert item.status == "adopted"
    followup.update(
        db=db, follow_up=item, planner=lead, status="designing", note="方案设计", on=day
    )
    with pytest.raises(Invalid, match="followup.bad_transition"):
        followup.update(db=db, follow_up=item, planner=lead, status="building", note="", on=day)
    with pytest.raises(Invalid, match="followup.bad_transition"):
        followup.update(db=db, follow_up=item, planner=lead, status="adopted", note="x", on=day)
    with pytest.raises(Invalid, match="followup.note_required"):
        followup.update(db=db, follow_up=item, planner=lead, status="designing", note="", on=day)
    with pytest.raises(Invalid, match="followup.reason_required"):
        followup.update(db=db, follow_up=item, planner=lead, status="shelved", note=" ", on=day)
    with pytest.raises(Invalid, match="followup.date_before_workshop"):
        followup.update(db=db, follow_up=item, planner=lead, status="approved", note="",
                        on=workshop.date - timedelta(days=1))  # fmt: skip
    with pytest.raises(Invalid, match="followup.unknown_status"):
        followup.update(db=db, follow_up=item, planner=lead, status="lost", note="", on=day)
    for status in ("approved", "building", "done"):
        followup.update(db=db, follow_up=item, planner=lead, status=status, note="", on=day)
    with pytest.raises(Invalid, match="followup.bad_transition"):
        followup.update(db=db, follow_up=item, planner=lead, status="shelved", note="x", on=day)
    followup.update(db=db, follow_up=item, planner=lead, status="done", note="验收", on=day)

    other = followup.adopt(db=db, workshop=workshop, planner=lead, proposal_id=props["步道照明"].id)
    followup.update(
        db=db, follow_up=other, planner=lead, status="shelved", note="资金未落实", on=day
    )
    assert followup.allowed_next("shelved") == ()
    with pytest.raises(Conflict):
        followup.adopt(db=db, workshop=workshop, planner=lead, proposal_id=props["步道照明"].id)
    open_ws = make_workshop(db, stage="proposals", planner=lead)
    idea = submit_proposal(db=db, workshop=open_ws, participant=None, title="屋顶花园")
    with pytest.raises(Conflict, match="followup.not_closed"):
        followup.adopt(db=db, workshop=open_ws, planner=lead, proposal_id=idea.id)
    with pytest.raises(NotFound):
        followup.adopt(db=db, workshop=workshop, planner=lead, proposal_id=idea.id)
    with pytest.raises(Forbidden):
        followup.adopt(db=db, workshop=workshop, planner=make_planner(db),
                       proposal_id=props["修缮老院子"].id)  # fmt: skip

    decisions = followup.community_decisions(db=db, community=workshop.community)
    seats = {d["title"]: d for d in decisions}["增设休息座椅"]
    assert [n["status"] for n in seats["notes"]] == [
        "adopted", "designing", "approved", "building", "done", "done"
    ]  # fmt: skip
    assert seats["status_label"] == "已完成" and seats["last_note"] == "验收"


def test_a_later_record_of_the_community_includes_the_follow_up(db):
    first, props = closed_workshop(db, on=date(2026, 5, 10))
    lead = first.planner
    item = followup.adopt(db=db, workshop=first, planner=lead, proposal_id=props["增设休息座椅"].id)
    followup.update(db=db, follow_up=item, planner=lead, status="designing",
                    note="设计单位已进场", on=date(2026, 6, 1))  # fmt: skip
    later, _ = closed_workshop(db, planner=lead, community=first.community)
    record = latest_record(db=db, workshop=later)
    content = versions.current_content(db=db, workshop=later, record=record)
    assert [(f["title"], f["status_label"], f["last_note"]) for f in content["followup"]] == [
        ("增设休息座椅", "设计中", "设计单位已进场")
    ]
    own = versions.current_content(
        db=db, workshop=first, record=latest_record(db=db, workshop=first)
    )
    assert own["followup"] == [] and own["adopted"] == [props["增设休息座椅"].id]
    final = versions.finalise(db=db, workshop=later, planner=lead)
    followup.update(
        db=db, follow_up=item, planner=lead, status="approved", note="", on=date(2026, 7, 1)
    )
    assert final.content["followup"][0]["status"] == "designing"
