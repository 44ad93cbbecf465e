"""Consensus measures over vote counts: pure functions, no database, no HTTP.

Definitions follow docs/domain.md#consensus:
- support share = supporters ÷ participants who voted in the round;
- agreement ratio = agree ÷ (agree + disagree);
- group-aware consensus (Pol.is's group-informed consensus): Π_g (agree_g + 1)/(n_g + 2),
  with n_g every agree, disagree and pass vote cast by members of group g; shown for
  comparability, and the normalised form [Π_g (agree_g + 0.5)/(n_g + 1)]^(1/G), which
  does not punish small unanimous groups so hard;
- significance as Pol.is computes it for majority opinions;
- a verdict (consensus / contested / insufficient participation) that rests on per-group
  agreement, not on either consensus number alone.
For approval and dot voting, "agree" is a supporter and n_g is the group's voters in the
round (non-supporters count as disagree, there is no pass).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

Z_90_ONE_SIDED = 1.2816


@dataclass(frozen=True)
class GroupCounts:
    """Votes on one proposal by the members of one resident group."""

    group: str
    agree: int
    disagree: int = 0
    passed: int = 0

    @property
    def voters(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def agreement(self) -> float | None:
        return agreement_ratio(self.agree, self.disagree)


@dataclass(frozen=True)
class Rules:
    """Thresholds a workshop's rules set; printed with every verdict."""

    agreement_threshold: float = 2 / 3
    group_min_voters: int = 3
    group_floor: float = 0.5
    quorum: int = 5


class Verdict(StrEnum):
    CONSENSUS = "consensus"
    CONTESTED = "contested"
    INSUFFICIENT = "insufficient"


def support_share(supporters: int, voters: int) -> float:
    """Return supporters ÷ voters in the round (0 when nobody voted)."""
    return supporters / voters if voters else 0.0


def agreement_ratio(agree: int, disagree: int) -> float | None:
    """Return agree ÷ (agree + disagree), or None when nobody took a side."""
    sided = agree + disagree
    return agree / sided if sided else None


def polis_consensus(groups: Sequence[GroupCounts]) -> float | None:
    """Return Π_g (agree_g + 1)/(n_g + 2) over groups with voters (Pol.is's number)."""
    voting = [g for g in groups if g.voters]
    if not voting:
        return None
    return math.prod((g.agree + 1) / (g.voters + 2) for g in voting)


def normalised_consensus(groups: Sequence[GroupCounts]) -> float | None:
    """Return [Π_g (agree_g + 0.5)/(n_g + 1)]^(1/G) over groups with voters."""
    voting = [g for g in groups if g.voters]
    if not voting:
        return None
    product = math.prod((g.agree + 0.5) / (g.voters + 1) for g in voting)
    return product ** (1 / len(voting))


def majority_z(agree: int, voters: int) -> float:
    """Return Pol.is's z = 2·√(n + 1)·((agree + 1)/(n + 1) − ½)."""
    return 2 * math.sqrt(voters + 1) * ((agree + 1) / (voters + 1) - 0.5)


def significant_majority(agree: int, voters: int) -> bool:
    """Return True when p = (agree + 1)/(n + 2) > ½ and z > 1.2816 (90 %, one-sided)."""
    p = (agree + 1) / (voters + 2)
    return p > 0.5 and majority_z(agree, voters) > Z_90_ONE_SIDED


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    voters: int
    agreement: float | None
    polis: float | None
    normalised: float | None
    significant: bool
    dissenting_groups: tuple[str, ...]


def assess(groups: Sequence[GroupCounts], rules: Rules = Rules()) -> Assessment:
    """Return the verdict for one proposal from its per-group counts.

    Insufficient below the quorum; consensus when overall agreement reaches the
    threshold and no group with at least `group_min_voters` voters falls below the
    group floor; contested otherwise (the room split, or agreement too low).
    """
    agree = sum(g.agree for g in groups)
    disagree = sum(g.disagree for g in groups)
    voters = sum(g.voters for g in groups)
    agreement = agreement_ratio(agree, disagree)
    dissenting = tuple(
        g.group
        for g in groups
        if g.voters >= rules.group_min_voters
        and (g.agreement is not None and g.agreement < rules.group_floor)
    )
    if voters < rules.quorum:
        verdict = Verdict.INSUFFICIENT
    elif agreement is not None and agreement >= rules.agreement_threshold and not dissenting:
        verdict = Verdict.CONSENSUS
    else:
        verdict = Verdict.CONTESTED
    return Assessment(
        verdict=verdict,
        voters=voters,
        agreement=agreement,
        polis=polis_consensus(groups),
        normalised=normalised_consensus(groups),
        significant=significant_majority(agree, voters),
        dissenting_groups=dissenting,
    )


# --- decision rules (what "passed" means; docs/domain.md#decision-rules) --------------

BASES = ("cast", "present", "members")
METHODS = ("approval", "dots", "agree")


@dataclass(frozen=True)
class DecisionRules:
    """The workshop's decision rule: basis, pass threshold and attendance quorum.

    basis "cast": yes ÷ (yes + no), abstentions not counted; "present": yes ÷ those
    present; "members": yes ÷ the expected members (falls back to those present).
    A threshold of ½ means "more than half" (a tie fails); above ½ (a supermajority,
    e.g. 2/3) means "at least". The quorum holds when more than `quorum_share` of the
    expected members are present; with no expected number it is not checked.
    """

    basis: str = "cast"
    threshold: float = 0.5
    members: int = 0
    quorum_share: float = 0.5


@dataclass(frozen=True)
class Decision:
    yes: int
    no: int
    abstain: int
    basis: str
    denominator: int
    yes_share: float | None
    quorum_met: bool
    passed: bool


def quorum_met(present: int, rules: DecisionRules) -> bool:
    """Return True when more than `quorum_share` of the expected members are present."""
    if rules.members <= 0:
        return True
    return present > rules.members * rules.quorum_share


def decide(yes: int, no: int, abstain: int, present: int, rules: DecisionRules) -> Decision:
    """Return whether a proposal passed under the workshop's decision rule."""
    if rules.basis == "cast":
        denominator = yes + no
    elif rules.basis == "present":
        denominator = present
    else:
        denominator = rules.members or present
    share = yes / denominator if denominator else None
    if share is None:
        by_share = False
    elif rules.threshold <= 0.5:
        by_share = yes > denominator * rules.threshold
    else:
        by_share = yes >= denominator * rules.threshold - 1e-9
    met = quorum_met(present, rules)
    return Decision(yes, no, abstain, rules.basis, denominator, share, met, met and by_share)


def competition_ranks(scores: Sequence[object]) -> list[int]:
    """Return 1-based ranks for scores already sorted best first; ties share (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and scores[i - 1] == score else i + 1)
    return ranks


def method_score(method: str, *, dots: int, supporters: int, agreement: float | None) -> tuple:
    """Return the sort key (higher is better) a method ranks proposals by.

    Dot voting: dots received; approval: supporters; agree/disagree/pass: agreement
    ratio, then the number who agree (a proposal nobody took sides on ranks last).
    """
    if method == "dots":
        return (dots,)
    if method == "agree":
        return (-1.0 if agreement is None else agreement, supporters)
    return (supporters,)
