"""The assessment record carries vote sources, representativeness and the hashes; each
finalised version is chained to the one before, and `verify` finds a changed version."""

from __future__ import annotations

from sqlalchemy import update

from workshop.assessments import versions
from workshop.assessments.models import AssessmentRecord
from workshop.assessments.service import build_content, latest_record
from workshop.audit.chain import vote_chain_head
from workshop.audit.checks import verify_workshop
from workshop.workshops.representativeness import set_population

from ..records.helpers import closed_workshop


def test_record_content_has_sources_representativeness_and_audit(db):
    workshop, proposals = closed_workshop(db)
    set_population(
        db=db, workshop=workshop, counts={"老年居民": 700, "中青年居民": 300}, margin=0.1
    )
    content = build_content(db=db, workshop=workshop)
    # 6 tablet voters, nobody on paper or assisted.
    assert content["vote_sources"] == {"tablet": 6, "paper": 0, "assisted": 0}
    seats = next(p for p in content["proposals"] if p["title"] == "增设休息座椅")
    assert seats["by_source"] == {"tablet": 6, "paper": 0, "assisted": 0}
    # 3 + 3 in the room: 50 % each against 70 % / 30 % → 老年 20 points below.
    rep = content["representativeness"]
    assert [
        (g["group"], g["participant_share"], g["gap"], g["under_represented"])
        for g in rep["groups"]
    ] == [
        ("老年居民", 0.5, -0.2, True),
        ("中青年居民", 0.5, 0.2, False),
    ]
    assert seats["under_represented_groups"] == ["老年居民"]
    assert content["audit"] == {
        "vote_chain_head": vote_chain_head(db, workshop.id),
        "record_hash": None,
    }
    assert len(content["audit"]["vote_chain_head"]) == 64


def test_finalised_versions_are_chained_and_a_changed_one_is_found(db):
    workshop, _ = closed_workshop(db)
    lead = workshop.planner
    v1 = versions.finalise(db=db, workshop=workshop, planner=lead)
    assert v1.prev_hash is None and len(v1.record_hash) == 64
    assert v1.content["audit"]["record_hash"] == v1.record_hash
    versions.edit_record(
        db=db,
        workshop=workshop,
        planner=lead,
        findings="补充。",
        recommendations="",
        goals=[],
        place="",
    )
    v2 = versions.finalise(db=db, workshop=workshop, planner=lead)
    assert v2.version == 2 and v2.prev_hash == v1.record_hash != v2.record_hash
    checked, problems = verify_workshop(db, workshop.id)
    assert checked["records"] == 2 and problems == []
    # Someone edits the first version's findings straight in the database.
    changed = dict(v1.content) | {"findings": "改过的结论"}
    db.execute(update(AssessmentRecord).where(AssessmentRecord.id == v1.id).values(content=changed))
    db.expire_all()
    _, problems = verify_workshop(db, workshop.id)
    assert [str(p) for p in problems] == ["record #1: content changed after it was finalised"]
    assert latest_record(db=db, workshop=workshop).version == 2
