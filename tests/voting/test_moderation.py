"""Proposals and moderation: history rows, withdrawing, and merging without double counts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workshop.errors import Conflict, Forbidden, Invalid
from workshop.proposals import service
from workshop.proposals.models import ModerationEvent, ProposalAsset, Vote
from workshop.workshops.stages import advance_stage

from ..factories import demo_centre, make_participant, make_workshop


def test_a_proposal_keeps_its_place_and_asset_links(db):
    from workshop.assets.service import pin_asset

    ws = make_workshop(db, stage="mapping")
    lon, lat = demo_centre()
    tree = pin_asset(
        db=db,
        workshop=ws,
        participant=None,
        asset_class="ecological",
        name="黄葛古树",
        lon=lon,
        lat=lat,
    )
    advance_stage(db=db, workshop=ws)
    p = service.submit_proposal(
        db=db,
        workshop=ws,
        participant=None,
        title="古树下设座椅",
        lon=lon,
        lat=lat,
        asset_ids=[tree.id],
    )
    assert p.location == {"type": "Point", "coordinates": [lon, lat]}
    assert db.scalars(select(ProposalAsset.asset_id)).all() == [tree.id]
    with pytest.raises(Invalid, match="geo.outside_boundary"):
        service.submit_proposal(
            db=db, workshop=ws, participant=None, title="远处", lon=lon + 0.05, lat=lat
        )
    with pytest.raises(Invalid, match="proposal.unknown_asset"):
        service.submit_proposal(db=db, workshop=ws, participant=None, title="x", asset_ids=[999])


def test_moderation_keeps_who_when_and_before_after(db):
    ws = make_workshop(db, stage="proposals")
    author = make_participant(db, ws)
    p = service.submit_proposal(db=db, workshop=ws, participant=author, title="增设休息坐椅")
    planner = ws.planner
    service.edit_proposal(
        db=db, workshop=ws, planner=planner, proposal_id=p.id, title="增设休息座椅", description=""
    )
    service.set_hidden(db=db, workshop=ws, planner=planner, proposal_id=p.id, hidden=True)
    service.set_hidden(db=db, workshop=ws, planner=planner, proposal_id=p.id, hidden=False)
    service.withdraw_proposal(db=db, workshop=ws, participant=author, proposal_id=p.id)
    events = db.scalars(select(ModerationEvent).order_by(ModerationEvent.id)).all()
    assert [(e.action, e.before, e.after) for e in events] == [
        ("edit", {"title": "增设休息坐椅"}, {"title": "增设休息座椅"}),
        ("hide", {"status": "open"}, {"status": "hidden"}),
        ("unhide", {"status": "hidden"}, {"status": "open"}),
        ("withdraw", {"status": "open"}, {"status": "withdrawn"}),
    ]
    assert [e.planner_id for e in events] == [planner.id] * 3 + [None]
    assert events[-1].participant_id == author.id
    assert all(e.created_at is not None for e in events)
    assert service.history(db=db, workshop=ws)[0].action == "withdraw"


def test_only_the_author_withdraws(db):
    ws = make_workshop(db, stage="proposals")
    author, other = make_participant(db, ws), make_participant(db, ws)
    p = service.submit_proposal(db=db, workshop=ws, participant=author, title="路灯")
    with pytest.raises(Forbidden, match="proposal.not_author"):
        service.withdraw_proposal(db=db, workshop=ws, participant=other, proposal_id=p.id)


def _merge_round(db, method, **round_args):
    ws = make_workshop(db, stage="proposals")
    a, b, c = (
        service.submit_proposal(db=db, workshop=ws, participant=None, title=t)
        for t in ("夜间照明", "路灯亮一点", "休息座椅")
    )
    advance_stage(db=db, workshop=ws)
    service.close_round(db=db, workshop=ws)
    service.start_round(db=db, workshop=ws, method=method, **round_args)
    return ws, a, b, c


def test_merge_counts_a_supporter_of_both_duplicates_once(db):
    ws, a, b, c = _merge_round(db, "approval")
    both, only_a, only_b = (make_participant(db, ws) for _ in range(3))
    for person, props in ((both, (a, b)), (only_a, (a,)), (only_b, (b, c))):
        for prop in props:
            service.set_support(
                db=db, workshop=ws, participant=person, proposal_id=prop.id, support=True
            )
    service.merge_proposals(db=db, workshop=ws, planner=ws.planner, source_id=b.id, target_id=a.id)
    rows, voters = service.tally(db=db, workshop=ws)
    # a ∪ b supporters: both, only_a, only_b = 3 people (not 2 + 2 = 4).
    assert [(r.title, r.supporters) for r in rows] == [("夜间照明", 3), ("休息座椅", 1)]
    assert voters == 3 and rows[0].support_share == 1.0
    # The votes themselves are untouched: 5 rows, each stored once, still on their proposal.
    stored = sorted((v.participant_id, v.proposal_id, v.value) for v in db.scalars(select(Vote)))
    assert stored == sorted(
        [(both.id, a.id, 1), (both.id, b.id, 1), (only_a.id, a.id, 1)]
        + [(only_b.id, b.id, 1), (only_b.id, c.id, 1)]
    )
    assert db.scalar(select(ModerationEvent.action)) == "merge"


def test_merge_caps_dots_at_k_and_keeps_the_budget_honest(db):
    ws, a, b, c = _merge_round(db, "dots", dots_total=5, dots_per_proposal=3)
    p = make_participant(db, ws)
    for prop, n in ((a, 2), (b, 2)):
        for _ in range(n):
            service.change_dots(db=db, workshop=ws, participant=p, proposal_id=prop.id, delta=1)
    service.merge_proposals(db=db, workshop=ws, planner=ws.planner, source_id=b.id, target_id=a.id)
    rows, _ = service.tally(db=db, workshop=ws)
    # 2 + 2 on the merged pair count as min(k = 3, 4) = 3 dots.
    assert {r.title: r.dots for r in rows} == {"夜间照明": 3, "休息座椅": 0}
    assert service.dots_left(db=db, workshop=ws, participant=p) == 2
    with pytest.raises(Conflict, match="vote.k_exceeded"):
        service.change_dots(db=db, workshop=ws, participant=p, proposal_id=a.id, delta=1)
    for _ in range(2):
        service.change_dots(db=db, workshop=ws, participant=p, proposal_id=c.id, delta=1)
    assert service.dots_left(db=db, workshop=ws, participant=p) == 0


def test_merge_agree_prefers_the_vote_on_the_target(db):
    ws, a, b, _c = _merge_round(db, "agree")
    p, q = make_participant(db, ws), make_participant(db, ws)
    service.cast_vote(db=db, workshop=ws, participant=p, proposal_id=a.id, value=-1)
    service.cast_vote(db=db, workshop=ws, participant=p, proposal_id=b.id, value=1)
    service.cast_vote(db=db, workshop=ws, participant=q, proposal_id=b.id, value=1)
    service.merge_proposals(db=db, workshop=ws, planner=ws.planner, source_id=b.id, target_id=a.id)
    row = next(r for r in service.tally(db=db, workshop=ws)[0] if r.proposal_id == a.id)
    # p counts once, with the vote on a itself (disagree); q's vote on b carries over.
    assert (row.agree, row.disagree, row.passes) == (1, 1, 0)


def test_merge_refusals(db):
    ws, a, b, c = _merge_round(db, "approval")
    with pytest.raises(Invalid, match="proposal.merge_self"):
        service.merge_proposals(
            db=db, workshop=ws, planner=ws.planner, source_id=a.id, target_id=a.id
        )
    service.merge_proposals(db=db, workshop=ws, planner=ws.planner, source_id=b.id, target_id=a.id)
    with pytest.raises(Conflict, match="proposal.merge_target_not_open"):
        service.merge_proposals(
            db=db, workshop=ws, planner=ws.planner, source_id=c.id, target_id=b.id
        )
    # Merging the target later keeps chains flat: b now counts for c too.
    service.merge_proposals(db=db, workshop=ws, planner=ws.planner, source_id=a.id, target_id=c.id)
    assert service.merge_targets(db=db, workshop=ws) == {a.id: c.id, b.id: c.id, c.id: c.id}
