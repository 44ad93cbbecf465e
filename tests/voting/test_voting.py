"""Voting rounds: budgets, the k cap, frozen rounds, the audit trail, and tallies by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.proposals import service
from workshop.proposals.models import Vote, VoteChange
from workshop.voting.consensus import DecisionRules, Rules, Verdict
from workshop.voting.rules import WorkshopRules
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_workshop

TITLES = ("修缮老院子", "增设休息座椅", "步道照明", "儿童游乐角")


def _round(db, method, *, n=5, k=3, titles=TITLES):
    workshop = make_workshop(db, stage="proposals")
    props = [
        service.submit_proposal(db=db, workshop=workshop, participant=None, title=t) for t in titles
    ]
    advance_stage(db=db, workshop=workshop)  # voting: opens the default (approval) round
    service.close_round(db=db, workshop=workshop)
    service.start_round(db=db, workshop=workshop, method=method, dots_total=n, dots_per_proposal=k)
    return workshop, props


def _dots(db, ws, person, proposal, times=1, delta=1):
    for _ in range(times):
        service.change_dots(
            db=db, workshop=ws, participant=person, proposal_id=proposal.id, delta=delta
        )


def test_dot_budget_and_k_cap_are_refused_with_their_own_messages(db):
    ws, (a, b, c, _d) = _round(db, "dots", n=5, k=3)
    p = make_participant(db, ws)
    _dots(db, ws, p, a, 3)
    with pytest.raises(Conflict, match="vote.k_exceeded"):
        _dots(db, ws, p, a)
    _dots(db, ws, p, b, 2)
    assert service.dots_left(db=db, workshop=ws, participant=p) == 0
    with pytest.raises(Conflict, match="vote.budget_used"):
        _dots(db, ws, p, c)
    # Taking a dot back frees it for another proposal.
    _dots(db, ws, p, a, delta=-1)
    _dots(db, ws, p, c)
    assert service.my_votes(db=db, workshop=ws, participant=p) == {a.id: 2, b.id: 2, c.id: 1}
    # Setting an absolute value beyond k is refused too.
    with pytest.raises(Conflict, match="vote.k_exceeded"):
        service.cast_vote(db=db, workshop=ws, participant=p, proposal_id=c.id, value=4)


def test_dot_tally_ranks_by_dots_with_hand_counts(db):
    ws, (a, b, c, d) = _round(db, "dots")
    p1, p2, p3 = (make_participant(db, ws) for _ in range(3))
    _dots(db, ws, p1, a, 3)
    _dots(db, ws, p1, b, 2)
    _dots(db, ws, p2, b, 3)
    _dots(db, ws, p2, c, 1)
    _dots(db, ws, p3, a, 1)
    rows, voters = service.tally(db=db, workshop=ws)
    # a: 3+1 = 4 dots from 2 people; b: 2+3 = 5 from 2; c: 1 from 1; d: 0.
    assert voters == 3
    assert [(r.title, r.dots, r.supporters, r.rank) for r in rows] == [
        ("增设休息座椅", 5, 2, 1),
        ("修缮老院子", 4, 2, 2),
        ("步道照明", 1, 1, 3),
        ("儿童游乐角", 0, 0, 4),
    ]
    assert rows[0].support_share == pytest.approx(2 / 3)


def test_agree_disagree_pass_tally_decision_and_verdict(db):
    ws, (a, b, *_rest) = _round(db, "agree", titles=TITLES[:2])
    service.save_rules(
        db=db,
        workshop=ws,
        rules=WorkshopRules(consensus=Rules(quorum=3), decision=DecisionRules(basis="cast")),
    )
    old = [make_participant(db, ws, group="老年居民") for _ in range(3)]
    shop = [make_participant(db, ws, group="商户") for _ in range(3)]
    plan_a = ["agree", "agree", "agree", "disagree", "disagree", "pass"]
    plan_b = ["agree"] * 5 + ["disagree"]
    for person, ca, cb in zip(old + shop, plan_a, plan_b, strict=True):
        for proposal, choice in ((a, ca), (b, cb)):
            service.cast_vote(
                db=db,
                workshop=ws,
                participant=person,
                proposal_id=proposal.id,
                value=service.CHOICES[choice],
            )
    rows, voters = service.tally(db=db, workshop=ws)
    by_id = {r.proposal_id: r for r in rows}
    ra, rb = by_id[a.id], by_id[b.id]
    assert voters == 6
    # a: 3 agree, 2 disagree, 1 pass → agreement 3/6 = 50 % (the pass counts, as in
    # Pol.is); the decision rule leaves the abstention out: votes cast 3 > 2, passed.
    assert (ra.agree, ra.disagree, ra.passes) == (3, 2, 1)
    assert ra.agreement == pytest.approx(0.5)
    assert (ra.yes, ra.no, ra.abstain) == (3, 2, 1) and ra.passed
    # …and 商户 agree 0 of 3 → contested, not consensus.
    assert ra.assessment.verdict is Verdict.CONTESTED
    assert ra.assessment.dissenting_groups == ("商户",)
    # Pol.is over all six offered groups: 老年 (3+1)/(3+2) = 0.8; 商户 (0+1)/(3+2) = 0.2;
    # the four silent groups ½ each → 0.16 / 16 = 0.01.
    assert ra.assessment.polis == pytest.approx(0.01)
    assert [g.group for g in ra.assessment.groups] == [
        "老年居民",
        "中青年居民",
        "青少年",
        "商户",
        "物业",
        "社区两委",
    ]
    # b: 5 agree, 1 disagree → 5/6 ≥ 2/3, 商户 2 of 3 → consensus; ranks first.
    assert rb.assessment.verdict is Verdict.CONSENSUS and rb.rank == 1 and ra.rank == 2
    assert service.consensus_by_proposal(db=db, workshop=ws)[a.id] == ra.assessment


def test_a_participant_changes_a_vote_and_every_change_is_audited(db):
    ws, (a, *_rest) = _round(db, "agree")
    p = make_participant(db, ws)
    for choice in ("agree", "agree", "disagree", "pass"):
        service.cast_vote(
            db=db, workshop=ws, participant=p, proposal_id=a.id, value=service.CHOICES[choice]
        )
    assert db.scalar(select(func.count()).select_from(Vote)) == 1
    changes = db.scalars(select(VoteChange).order_by(VoteChange.id)).all()
    # The repeated "agree" changed nothing and wrote nothing.
    assert [(c.old_value, c.new_value, c.source) for c in changes] == [
        (None, 1, "tablet"),
        (1, -1, "tablet"),
        (-1, 0, "tablet"),
    ]


def test_a_closed_round_is_frozen(db):
    ws, (a, b, *_rest) = _round(db, "dots")
    p = make_participant(db, ws)
    _dots(db, ws, p, a, 2)
    service.close_round(db=db, workshop=ws)
    with pytest.raises(Forbidden, match="vote.round_closed"):
        _dots(db, ws, p, b)
    with pytest.raises(Forbidden, match="vote.round_closed"):
        _dots(db, ws, p, a, delta=-1)
    assert service.my_votes(db=db, workshop=ws, participant=p) == {a.id: 2}
    # A new round starts empty; the closed one keeps its result.
    first = service.current_round(db=db, workshop=ws)
    service.start_round(db=db, workshop=ws, method="approval")
    assert service.my_votes(db=db, workshop=ws, participant=p) == {}
    rows, _ = service.tally(db=db, workshop=ws, voting_round=first)
    assert rows[0].dots == 2


def test_only_one_open_round_and_sane_settings(db):
    ws, _props = _round(db, "dots")
    with pytest.raises(Conflict, match="voting.round_already_open"):
        service.start_round(db=db, workshop=ws, method="approval")
    service.close_round(db=db, workshop=ws)
    with pytest.raises(Invalid, match="voting.dots_invalid"):
        service.start_round(db=db, workshop=ws, method="dots", dots_total=3, dots_per_proposal=4)
    with pytest.raises(Invalid, match="voting.unknown_method"):
        service.start_round(db=db, workshop=ws, method="borda")


def test_votes_on_hidden_withdrawn_merged_or_foreign_proposals_are_refused(db):
    ws, (a, b, c, d) = _round(db, "approval")
    planner = ws.planner
    p = make_participant(db, ws)
    service.set_hidden(db=db, workshop=ws, planner=planner, proposal_id=a.id, hidden=True)
    service.merge_proposals(db=db, workshop=ws, planner=planner, source_id=b.id, target_id=c.id)
    with pytest.raises(Forbidden, match="vote.proposal_hidden"):
        service.set_support(db=db, workshop=ws, participant=p, proposal_id=a.id, support=True)
    with pytest.raises(Conflict, match="vote.proposal_merged"):
        service.set_support(db=db, workshop=ws, participant=p, proposal_id=b.id, support=True)
    other, (foreign, *_x) = _round(db, "approval", titles=("别处的提案",))
    with pytest.raises(NotFound):
        service.set_support(db=db, workshop=ws, participant=p, proposal_id=foreign.id, support=True)
    outsider = make_participant(db, other)
    with pytest.raises(Forbidden, match="vote.not_participant"):
        service.set_support(
            db=db, workshop=ws, participant=outsider, proposal_id=d.id, support=True
        )


def test_rules_are_stored_per_workshop_and_bad_values_store_nothing(db):
    ws, _props = _round(db, "dots")
    assert service.rules_of(db=db, workshop=ws) == WorkshopRules()
    wanted = WorkshopRules(
        consensus=Rules(agreement_threshold=0.75, quorum=10),
        decision=DecisionRules(basis="present", threshold=2 / 3, members=60),
        method="dots",
        dots_total=7,
        dots_per_proposal=2,
    )
    service.save_rules(db=db, workshop=ws, rules=wanted)
    assert service.rules_of(db=db, workshop=ws) == wanted
    bad = WorkshopRules(decision=DecisionRules(basis="everyone"))
    with pytest.raises(Invalid, match="voting.unknown_basis"):
        service.save_rules(db=db, workshop=ws, rules=bad)
    assert service.rules_of(db=db, workshop=ws) == wanted


def test_each_method_allows_exactly_its_values():
    """Approval 0/1, agree −1/0/1, dots 0…k; more dots than k is its own refusal."""
    from workshop.errors import Conflict, Invalid
    from workshop.proposals.models import VotingRound
    from workshop.voting.casting import _check_value

    allowed = {"approval": {0, 1}, "agree": {-1, 0, 1}, "dots": {0, 1, 2, 3}}
    for method, values in allowed.items():
        voting_round = VotingRound(method=method, dots_total=5, dots_per_proposal=3)
        for value in range(-3, 6):
            if value in values:
                _check_value(voting_round, value)
                continue
            refusal = Conflict if method == "dots" and value > 3 else Invalid
            with pytest.raises(refusal) as caught:
                _check_value(voting_round, value)
            assert type(caught.value) is refusal, (method, value)
            if refusal is Conflict:
                assert caught.value.key == "vote.k_exceeded" and caught.value.params == {"k": 3}
