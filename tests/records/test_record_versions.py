"""Assessment records: numbers from the workshop, drafts, finalising, versions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workshop.assessments import versions
from workshop.assessments.models import AssessmentRecord
from workshop.assessments.review import add_facilitator
from workshop.assessments.service import FORMAT, latest_record
from workshop.errors import Conflict, Forbidden, NotFound
from workshop.service_log.models import ServiceLogEntry

from ..factories import make_planner, make_workshop
from .helpers import closed_workshop


def test_closing_writes_a_draft_whose_numbers_are_the_workshops(db):
    workshop, _ = closed_workshop(db)
    record = latest_record(db=db, workshop=workshop)
    c = record.content
    assert (record.version, record.is_final, c["format"]) == (1, False, FORMAT)
    assert c["participation"]["total"] == 6
    assert {g["group"]: g["count"] for g in c["participation"]["by_group"]} == {
        "老年居民": 3,
        "中青年居民": 3,
    }
    assert c["participation"]["duration_minutes"] is not None
    assert {a["key"]: a["count"] for a in c["assets"]["by_class"]} == {
        "ecological": 1,
        "cultural": 0,
        "social": 1,
        "human": 0,
    }
    assert sum(s["count"] for s in c["assets"]["by_subtype"]) == 2
    assert [
        (p["title"], p["supporters"], p["support_share"], p["verdict"]) for p in c["proposals"]
    ] == [
        ("增设休息座椅", 6, 1.0, "consensus"),
        ("步道照明", 3, 0.5, "contested"),
        ("修缮老院子", 1, round(1 / 6, 4), "contested"),
    ]
    assert c["proposals"][1]["dissenting_groups"] == ["中青年居民"]
    assert c["satisfaction"]["rate"] == pytest.approx(5 / 6)
    assert "spatial" in c and c["goals"] == [] and c["findings"] == ""
    assert db.scalars(select(ServiceLogEntry)).first() is None


def test_finalise_freezes_a_version_and_a_later_edit_starts_the_next(db):
    workshop, _ = closed_workshop(db)
    lead = workshop.planner
    versions.edit_record(
        db=db,
        workshop=workshop,
        planner=lead,
        findings="老年居民需要休息设施。",
        recommendations="先做座椅。",
        goals=["  建成全龄友好步道 ", "", "保护黄葛古树"],
        place="社区活动室",
    )
    v1 = latest_record(db=db, workshop=workshop)
    assert v1.version == 1 and v1.content["goals"] == ["建成全龄友好步道", "保护黄葛古树"]
    versions.finalise(db=db, workshop=workshop, planner=lead)
    assert v1.is_final and v1.finalised_by_id == lead.id
    assert v1.content["finalised"]["by"] == lead.name
    frozen = dict(v1.content)
    with pytest.raises(Conflict):
        versions.finalise(db=db, workshop=workshop, planner=lead)

    versions.edit_record(
        db=db,
        workshop=workshop,
        planner=lead,
        findings="补充：商户关心夜间照明。",
        recommendations="先做座椅。",
        goals=["建成全龄友好步道"],
        place="社区活动室",
    )
    v2 = latest_record(db=db, workshop=workshop)
    assert (v2.version, v2.is_final) == (2, False)
    db.expire_all()
    v1 = versions.record_version(db=db, workshop=workshop, version=1)
    assert v1.content == frozen and v1.content["findings"] == "老年居民需要休息设施。"
    assert [r.version for r in versions.versions_of(db=db, workshop=workshop)] == [2, 1]

    versions.finalise(db=db, workshop=workshop, planner=lead)
    entry = db.scalars(select(ServiceLogEntry)).one()  # once per record, not per version
    assert entry.assessment_id == v2.id and entry.work_function == "assessment"
    assert entry.summary.endswith("参与 6 人，资产 2 处，提案 3 项")
    with pytest.raises(NotFound):
        versions.record_version(db=db, workshop=workshop, version=9)


def test_only_the_lead_planner_edits_or_finalises(db):
    workshop, _ = closed_workshop(db)
    architect = make_planner(db, discipline="architect", name="李建筑")
    add_facilitator(db=db, workshop=workshop, by=workshop.planner, username=architect.username)
    with pytest.raises(Forbidden):
        versions.finalise(db=db, workshop=workshop, planner=architect)
    with pytest.raises(Forbidden):
        add_facilitator(db=db, workshop=workshop, by=architect, username="nobody")
    with pytest.raises(Conflict):
        add_facilitator(db=db, workshop=workshop, by=workshop.planner, username=architect.username)
    with pytest.raises(NotFound):
        add_facilitator(db=db, workshop=workshop, by=workshop.planner, username="no-such-user")
    record = latest_record(db=db, workshop=workshop)
    people = versions.current_content(db=db, workshop=workshop, record=record)["facilitators"]
    assert [(f["name"], f["lead"]) for f in people] == [
        (workshop.planner.name, True),
        ("李建筑", False),
    ]


def test_a_workshop_still_open_has_no_record(db):
    workshop = make_workshop(db, stage="voting")
    with pytest.raises(NotFound):
        latest_record(db=db, workshop=workshop)
    assert db.scalars(select(AssessmentRecord)).first() is None


def test_each_co_facilitator_gets_their_own_entry_once(db):
    workshop, _ = closed_workshop(db)
    lead = workshop.planner
    architect = make_planner(db, username="architect-li", name="李建筑")
    engineer = make_planner(db, username="engineer-wu", name="吴工程")
    add_facilitator(db=db, workshop=workshop, by=lead, username="architect-li")
    first = versions.finalise(db=db, workshop=workshop, planner=lead)
    entries = {e.planner_id: e for e in db.scalars(select(ServiceLogEntry))}
    assert set(entries) == {lead.id, architect.id}
    assert entries[architect.id].work_function == "assessment"
    assert entries[architect.id].summary.endswith("（协同）")
    assert entries[architect.id].assessment_id == first.id
    assert entries[architect.id].hours == entries[lead.id].hours
    # The architect corrects their entry; a later version and a later helper.
    entries[architect.id].hours = 3.0
    add_facilitator(db=db, workshop=workshop, by=lead, username="engineer-wu")
    versions.edit_record(
        db=db,
        workshop=workshop,
        planner=lead,
        findings="补充。",
        recommendations="",
        goals=[],
        place="",
    )
    second = versions.finalise(db=db, workshop=workshop, planner=lead)
    entries = {e.planner_id: e for e in db.scalars(select(ServiceLogEntry))}
    assert set(entries) == {lead.id, architect.id, engineer.id}
    assert {e.assessment_id for e in entries.values()} == {second.id}
    assert entries[architect.id].hours == 3.0
