"""Consensus measures checked against numbers computed by hand."""

from __future__ import annotations

import pytest

from workshop.proposals.consensus import (
    DecisionRules,
    GroupCounts,
    Rules,
    Verdict,
    agreement_ratio,
    assess,
    decide,
    majority_z,
    normalised_consensus,
    polis_consensus,
    quorum_met,
    significant_majority,
    support_share,
)


def test_support_share_and_agreement_ratio():
    assert support_share(3, 4) == 0.75
    assert support_share(0, 0) == 0.0
    assert agreement_ratio(6, 3) == pytest.approx(2 / 3)
    assert agreement_ratio(0, 0) is None


def test_polis_and_normalised_consensus_for_two_small_unanimous_groups():
    groups = [GroupCounts("老年居民", agree=2), GroupCounts("商户", agree=2)]
    # (2+1)/(2+2) = 0.75 per group; 0.75 × 0.75 = 0.5625.
    assert polis_consensus(groups) == pytest.approx(0.5625)
    # (2.5/3)² under a square root = 2.5/3 = 0.8333…
    assert normalised_consensus(groups) == pytest.approx(2.5 / 3)


def test_a_proposal_one_group_loves_and_another_opposes_scores_low():
    groups = [GroupCounts("青年", agree=5, disagree=0), GroupCounts("老年", agree=0, disagree=5)]
    # (6/7) × (1/7) = 6/49 = 0.1224…
    assert polis_consensus(groups) == pytest.approx(6 / 49)
    # √((5.5/6) × (0.5/6)) = √(2.75/36) = 0.2764…
    assert normalised_consensus(groups) == pytest.approx((2.75 / 36) ** 0.5)
    assert polis_consensus([]) is None


def test_pass_votes_count_in_n_but_not_in_agreement():
    g = GroupCounts("物业", agree=2, disagree=1, passed=3)
    assert g.voters == 6
    assert g.agreement == pytest.approx(2 / 3)
    assert polis_consensus([g]) == pytest.approx(3 / 8)


def test_significance_matches_hand_computation():
    # agree 8 of 10: z = 2·√11·(9/11 − ½) = 2.1106…; p = 9/12 = 0.75.
    assert majority_z(8, 10) == pytest.approx(2.1106, abs=1e-4)
    assert significant_majority(8, 10)
    # agree 3 of 5: z = 2·√6·(4/6 − ½) = 0.8165…: not significant.
    assert majority_z(3, 5) == pytest.approx(0.8165, abs=1e-4)
    assert not significant_majority(3, 5)


def test_verdicts():
    rules = Rules()
    broad = [GroupCounts("老年", agree=4, disagree=1), GroupCounts("商户", agree=3, disagree=0)]
    result = assess(broad, rules)
    assert result.verdict is Verdict.CONSENSUS and result.agreement == pytest.approx(7 / 8)

    # Overall 8 of 11 agree (72.7 % ≥ 2/3), but 商户 (3 voters) agrees only 1 of 3.
    split = [GroupCounts("老年", agree=7, disagree=1), GroupCounts("商户", agree=1, disagree=2)]
    result = assess(split, rules)
    assert result.verdict is Verdict.CONTESTED and result.dissenting_groups == ("商户",)

    # A dissenting group of 2 voters is too small to block consensus.
    small = [GroupCounts("老年", agree=7, disagree=0), GroupCounts("学生", agree=0, disagree=2)]
    assert assess(small, rules).verdict is Verdict.CONSENSUS

    low = [GroupCounts("老年", agree=3, disagree=3)]
    assert assess(low, rules).verdict is Verdict.CONTESTED

    few = [GroupCounts("老年", agree=4)]
    assert assess(few, rules).verdict is Verdict.INSUFFICIENT
    assert assess(few, Rules(quorum=4)).verdict is Verdict.CONSENSUS


# --- exact edges (each found by benchmarks/mutation.py) ---------------------------------


def test_the_smallest_significant_majority_for_each_turnout():
    # Worked by hand from z = 2·√(n + 1)·((a + 1)/(n + 1) − ½) > 1.2816, e.g. n = 4:
    # a = 3 gives 2·√5·0.3 = 1.342 (significant), a = 2 gives 0.447 (not).
    smallest = {1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 6: 5, 7: 5, 8: 6, 9: 7, 10: 7, 11: 8, 12: 8}
    for n, a in smallest.items():
        assert significant_majority(a, n), (a, n)
        assert not significant_majority(a - 1, n), (a - 1, n)
    assert not significant_majority(0, 0)


def test_agreement_exactly_at_the_threshold_and_a_group_exactly_at_the_floor_is_consensus():
    groups = [
        GroupCounts("老年居民", agree=4, disagree=1),
        GroupCounts("商户", agree=2, disagree=2),  # exactly 50 %: not below the floor
    ]
    result = assess(groups)  # 6 agree, 3 disagree: exactly 2/3
    assert result.verdict == Verdict.CONSENSUS and result.dissenting_groups == ()


def test_quorum_needs_more_than_the_share_and_is_unchecked_without_members():
    assert quorum_met(0, DecisionRules(members=0))
    assert not quorum_met(0, DecisionRules(members=1))
    assert quorum_met(1, DecisionRules(members=1))
    assert not quorum_met(5, DecisionRules(members=10)) and quorum_met(6, DecisionRules(members=10))


def test_a_supermajority_is_reached_at_exactly_its_share():
    two_thirds = DecisionRules(basis="cast", threshold=2 / 3)
    assert decide(2, 1, 0, 3, two_thirds).passed
    assert not decide(3, 2, 0, 5, two_thirds).passed
