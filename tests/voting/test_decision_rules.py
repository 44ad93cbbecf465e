"""Decision rules and rankings checked against numbers computed by hand."""

from __future__ import annotations

import pytest

from workshop.voting.consensus import (
    DecisionRules,
    competition_ranks,
    decide,
    method_score,
    quorum_met,
)


def test_votes_cast_majority_ignores_abstentions_and_a_tie_fails():
    rules = DecisionRules(basis="cast", threshold=0.5)
    # 7 yes, 5 no, 10 abstain: 7/12 = 58 % of votes cast → passes.
    d = decide(7, 5, 10, present=22, rules=rules)
    assert d.passed and d.denominator == 12 and d.yes_share == pytest.approx(7 / 12)
    # 6 yes, 6 no: a tie is not "more than half".
    assert not decide(6, 6, 0, present=12, rules=rules).passed


def test_present_basis_counts_everyone_in_the_room():
    rules = DecisionRules(basis="present", threshold=0.5)
    # Same 7 yes, 5 no, but 22 present: 7/22 = 32 % → fails.
    d = decide(7, 5, 10, present=22, rules=rules)
    assert not d.passed and d.denominator == 22
    # 12 of 22 is more than half → passes; 11 of 22 is exactly half → fails.
    assert decide(12, 0, 10, present=22, rules=rules).passed
    assert not decide(11, 0, 11, present=22, rules=rules).passed


def test_supermajority_is_at_least_the_share():
    rules = DecisionRules(basis="cast", threshold=2 / 3)
    # 4 of 6 is exactly 2/3 → passes ("at least"); 3 of 5 = 60 % → fails.
    assert decide(4, 2, 0, present=6, rules=rules).passed
    assert not decide(3, 2, 0, present=5, rules=rules).passed


def test_members_basis_and_quorum_of_expected_attendance():
    rules = DecisionRules(basis="members", threshold=0.5, members=40, quorum_share=0.5)
    # 20 of 40 present is not "more than half": no quorum, nothing passes.
    assert not quorum_met(20, rules)
    d = decide(19, 1, 0, present=20, rules=rules)
    assert not d.quorum_met and not d.passed
    # 21 present: quorum; 21 yes of 40 members = 52.5 % → passes.
    d = decide(21, 0, 0, present=21, rules=rules)
    assert d.quorum_met and d.passed and d.denominator == 40
    # Without an expected number, the quorum is not checked.
    assert quorum_met(1, DecisionRules())


def test_nobody_voting_never_passes():
    d = decide(0, 0, 0, present=0, rules=DecisionRules())
    assert d.yes_share is None and not d.passed


def test_competition_ranks_share_ties():
    assert competition_ranks([(9,), (7,), (7,), (3,)]) == [1, 2, 2, 4]
    assert competition_ranks([]) == []


def test_method_scores_rank_by_the_methods_own_measure():
    # Dots: dots received; approval: supporters; agree: agreement ratio first.
    assert method_score("dots", dots=8, supporters=3, agreement=None) == (8,)
    assert method_score("approval", dots=0, supporters=5, agreement=0.5) == (5,)
    many = method_score("agree", dots=0, supporters=6, agreement=0.6)
    few = method_score("agree", dots=0, supporters=2, agreement=1.0)
    nobody = method_score("agree", dots=0, supporters=0, agreement=None)
    assert few > many > nobody
