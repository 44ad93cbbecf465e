"""What the room, the record and the next draft show of the consensus definitions:
every offered group in the numbers, residents with no group as their own named line,
「样本太少」 below the minimum sample, and what a new draft changes."""

from __future__ import annotations

import copy

import pytest

from workshop.assessments.models import AssessmentRecord
from workshop.assessments.service import create_record
from workshop.db import utcnow
from workshop.proposals import service
from workshop.voting.consensus import NO_GROUP, GroupCounts, Verdict
from workshop.workshops.models import Workshop
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_workshop
from ..web.helpers import text_of


def _meeting(database, planner, *, grouped: int, ungrouped: int, against: int = 0) -> int:
    """An approval round on two proposals: `grouped` 老年居民 and `ungrouped` residents
    support 座椅; `against` more 老年居民 vote only for 照明."""
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals", planner=s.merge(planner))
        seat, light = (
            service.submit_proposal(db=s, workshop=ws, participant=None, title=t)
            for t in ("增设休息座椅", "步道照明")
        )
        advance_stage(db=s, workshop=ws)  # voting: an approval round
        people = [make_participant(s, ws, group="老年居民") for _ in range(grouped)]
        people += [make_participant(s, ws) for _ in range(ungrouped)]
        for p in people:
            service.set_support(db=s, workshop=ws, participant=p, proposal_id=seat.id, support=True)
        for _ in range(against):
            p = make_participant(s, ws, group="老年居民")
            service.set_support(
                db=s, workshop=ws, participant=p, proposal_id=light.id, support=True
            )
        return ws.id


def test_tally_runs_over_every_offered_group_and_keeps_no_group_apart(database, planner_client):
    ws_id = _meeting(database, planner_client.planner, grouped=4, ungrouped=2, against=1)
    with database.unit_of_work(write=False) as s:
        ws = s.get(Workshop, ws_id)
        rows, voters = service.tally(db=s, workshop=ws)
    seat = next(r for r in rows if r.title == "增设休息座椅")
    assert voters == 7
    groups = seat.assessment.groups
    # Six offered groups (老年居民 5 voters, 4 support; five silent), then no group.
    assert [g.group for g in groups][:6] == [
        "老年居民",
        "中青年居民",
        "青少年",
        "商户",
        "物业",
        "社区两委",
    ]
    assert groups[0] == GroupCounts("老年居民", agree=4, disagree=1)
    assert groups[-1] == GroupCounts(NO_GROUP, agree=2, disagree=0)
    # Pol.is: (4+1)/(5+2) × ½⁵ = 5/224; the two ungrouped supporters are not in it.
    assert seat.assessment.polis == pytest.approx(5 / 224)
    # Room: 6 of 7 (≥ 2/3); 老年居民 4 of 5 > ½ → consensus.
    assert seat.assessment.verdict is Verdict.CONSENSUS
    assert seat.agreement == pytest.approx(6 / 7)


def test_projector_says_sample_too_small_and_names_the_no_group_line(database, planner_client):
    ws_id = _meeting(database, planner_client.planner, grouped=4, ungrouped=2, against=1)
    board = planner_client.get(f"/console/workshops/{ws_id}/projector/_board").text
    text = text_of(board)
    assert "形成共识 · 样本太少" in text  # 7 voters < 10
    assert "未选择群体：2 人已投票（计入总数，不计入群体共识）" in text
    board_en = planner_client.get(f"/console/workshops/{ws_id}/projector/_board?lang=en").text
    assert "Consensus · Too few votes to test" in text_of(board_en)
    assert "No group: 2 voted" in text_of(board_en)


def test_projector_shows_significance_from_ten_voters(database, planner_client):
    ws_id = _meeting(database, planner_client.planner, grouped=10, ungrouped=0)
    text = text_of(planner_client.get(f"/console/workshops/{ws_id}/projector/_board").text)
    assert "形成共识 · 多数支持（统计显著）" in text
    assert "样本太少" not in text and "未选择群体" not in text


def _closed(database, planner, **kw) -> int:
    ws_id = _meeting(database, planner, **kw)
    with database.unit_of_work() as s:
        ws = s.get(Workshop, ws_id)
        while ws.stage != "closed":
            advance_stage(db=s, workshop=ws)
    return ws_id


def test_record_lists_groups_with_the_no_group_line_in_both_languages(database, planner_client):
    ws_id = _closed(database, planner_client.planner, grouped=4, ungrouped=2, against=1)
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/assessment").text)
    assert "各群体 赞成/反对/弃权：老年居民 4/1/0 · 中青年居民 0/0/0" in page
    assert "未选择群体 2/0/0（不计入群体共识）" in page
    assert "样本太少" in page
    assert "共识判断规则：赞成人数占该提案全部投票人（含弃权）不低于 2/3" in page
    en = text_of(planner_client.get(f"/console/workshops/{ws_id}/assessment?lang=en").text)
    # The record's content is Chinese (it feeds the report); the page's words follow the UI.
    assert "By group: agree/disagree/pass" in en and "(not in the group consensus)" in en
    report = planner_client.get(f"/console/workshops/{ws_id}/report.html").text
    assert "未选择群体" in report and "弃权（跳过）表示“尚未支持”" in report


def test_a_new_draft_says_what_changed_and_the_final_version_stays(database, planner_client):
    ws_id = _closed(database, planner_client.planner, grouped=4, ungrouped=2, against=1)
    with database.unit_of_work() as s:
        record = s.query(AssessmentRecord).filter_by(workshop_id=ws_id).one()
        # A version finalised under the first definitions, which called 照明 consensus.
        content = copy.deepcopy(record.content)
        del content["voting"]["rules"]["definitions"]
        for p in content["proposals"]:
            if p["title"] == "步道照明":
                p.update(verdict="consensus", verdict_label="形成共识")
        content["finalised"] = {"at": "2026-12-01T10:00:00", "by": "x", "version": 1}
        record.content = content
        record.finalised_at = utcnow()
        frozen = copy.deepcopy(content)
    r = planner_client.post(f"/console/workshops/{ws_id}/assessment/regenerate")
    assert r.status_code in (200, 303)
    with database.unit_of_work(write=False) as s:
        v1, v2 = s.query(AssessmentRecord).filter_by(workshop_id=ws_id).order_by("version")
        assert v1.content == frozen
        changes = v2.content["consensus_changes"]
    assert changes["definitions_changed"] and changes["since_version"] == 1
    assert changes["items"] == [{"title": "步道照明", "before": "形成共识", "after": "存在分歧"}]
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/assessment").text)
    assert "本稿与上一定稿的差别（v1）" in page
    assert "“步道照明”：形成共识 → 存在分歧" in page
    assert "已定稿的版本保持原样" in page


def test_first_record_has_no_change_note(database, planner_client):
    ws_id = _closed(database, planner_client.planner, grouped=4, ungrouped=0)
    with database.unit_of_work() as s:
        ws = s.get(Workshop, ws_id)
        assert "consensus_changes" not in create_record(db=s, workshop=ws).content
