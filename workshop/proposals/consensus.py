"""Consensus measures over vote counts: pure functions, no database, no HTTP.

Definitions follow ../shared/DESIGN.md §3 ("Consensus"):
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
