"""Consensus measures over vote counts: pure functions, no database, no HTTP.

The definitions, with worked examples, are in docs/consensus.md; in short:
- support share = supporters ÷ participants who voted in the round;
- a group's (and the room's) agreement = agree ÷ everyone who voted on the item,
  passes included (as Pol.is counts them): a pass is "not yet behind it";
- group-aware consensus (Pol.is's group-informed consensus): Π_g (agree_g + 1)/(n_g + 2)
  over every group the workshop offers (a silent group contributes ½), and the
  normalised form [Π_g (agree_g + 0.5)/(n_g + 1)]^(1/G) over the same G groups; residents
  who chose no group are left out of both products and shown as their own line;
- significance as Pol.is computes it for majority opinions, only from a minimum sample;
- a verdict — consensus / contested / no clear opinion / insufficient participation —
  that rests on the room's and each group's agreement, not on either number alone.
For approval and dot voting, "agree" is a supporter and n_g is the group's voters in the
round (non-supporters count as disagree, there is no pass).

Shares (thresholds, floors) are exact `Fraction`s: 2/3 is 2/3, never 0.6667.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

Z_90_ONE_SIDED = 1.2816
# Pol.is's z-test is a normal approximation; below this many voters on an item it says
# nothing (n·p ≥ 5 and n·(1 − p) ≥ 5 at p = ½), so the projector shows 「样本太少」.
SIGNIFICANCE_MIN_SAMPLE = 10
# Residents who chose no group: one line of their own, never a group in the products.
NO_GROUP = ""
HALF = Fraction(1, 2)


# --- exact shares ------------------------------------------------------------------------

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def as_share(value: object) -> Fraction:
    """Return a share as an exact Fraction.

    Fractions and ints as they are; text as typed ("2/3", "0.6", "60%"); a float (only
    from code or rules stored before thresholds were exact) as the simplest fraction that
    rounds to it, so 2/3 written as a float is 2/3 again.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(value)
        return Fraction(value).limit_denominator(10**9)
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, str):
        return parse_share(value)
    raise ValueError(value)


def parse_share(text: str) -> Fraction:
    """Parse what a planner types: "2/3", "0.6", "60%" or "60" (a number above 1 is a
    percentage). Exact: "66.67" is 6667/10000, never rounded. ValueError when it is none."""
    text = text.strip().replace("％", "%").replace("／", "/")
    if not text or len(text) > 32:
        raise ValueError(text)
    match = _FRACTION.match(text)
    if match:
        numerator, denominator = int(match[1]), int(match[2])
        if denominator == 0:
            raise ValueError(text)
        return Fraction(numerator, denominator)
    percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip())
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite() or abs(number.adjusted()) > 6:
        raise ValueError(text)  # also keeps "1e999999" from building a huge integer
    share = Fraction(number)
    return share / 100 if percent or share > 1 else share


def share_text(share: Fraction) -> str:
    """Return a share as the form shows it and the rules store it: "2/3", "1/2", "3/5"."""
    return f"{share.numerator}/{share.denominator}"


def reaches(count: int, total: int, share: Fraction) -> bool:
    """Return True when `count` of `total` reaches `share`, exactly.

    The project's one convention for shares: ½ (or less) means "more than" (a tie
    fails), a share above ½ (2/3, 3/4) means "at least".
    """
    if total <= 0:
        return False
    if share <= HALF:
        return count > total * share
    return count >= total * share


# --- counts, rules and verdicts ----------------------------------------------------------


@dataclass(frozen=True)
class GroupCounts:
    """Votes on one proposal by the members of one resident group (NO_GROUP: residents
    who chose none)."""

    group: str
    agree: int
    disagree: int = 0
    passed: int = 0

    @property
    def voters(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def agreement(self) -> float | None:
        """agree ÷ everyone in the group who voted on the item (passes included)."""
        return self.agree / self.voters if self.voters else None


@dataclass(frozen=True)
class Rules:
    """Thresholds a workshop's rules set; printed with every verdict.

    `agreement_threshold`: the share of the item's voters who must agree (at least 2/3
    by default; never below ½). `group_floor`: each group must reach it (½: more than
    half of its voters agree). `group_min_voters`: a smaller group is judged as if its
    missing voters up to this number had agreed. `quorum`: voters who took a side.
    Shares are exact Fractions (a float or "2/3" given here is converted).
    """

    agreement_threshold: Fraction = Fraction(2, 3)
    group_min_voters: int = 3
    group_floor: Fraction = HALF
    quorum: int = 5

    def __post_init__(self) -> None:
        for name in ("agreement_threshold", "group_floor"):
            object.__setattr__(self, name, as_share(getattr(self, name)))


class Verdict(StrEnum):
    CONSENSUS = "consensus"
    CONTESTED = "contested"
    NO_CLEAR_OPINION = "no_clear_opinion"
    INSUFFICIENT = "insufficient"


def support_share(supporters: int, voters: int) -> float:
    """Return supporters ÷ voters in the round (0 when nobody voted)."""
    return supporters / voters if voters else 0.0


def agreement_ratio(agree: int, disagree: int) -> float | None:
    """Return agree ÷ (agree + disagree), or None when nobody took a side.

    This is the votes-cast share of the decision rule (abstentions not counted), not the
    consensus agreement, which counts passes (`GroupCounts.agreement`)."""
    sided = agree + disagree
    return agree / sided if sided else None


def _grouped(groups: Sequence[GroupCounts]) -> list[GroupCounts]:
    return [g for g in groups if g.group != NO_GROUP]


def polis_consensus(groups: Sequence[GroupCounts]) -> float | None:
    """Return Pol.is's number Π_g (agree_g + 1)/(n_g + 2) over the groups given.

    Pass every group the workshop offers: a silent one (n = 0) contributes ½, as in
    Pol.is. Residents with no group are left out. None when there is no group at all."""
    grouped = _grouped(groups)
    if not grouped:
        return None
    return float(math.prod(Fraction(g.agree + 1, g.voters + 2) for g in grouped))


def normalised_consensus(groups: Sequence[GroupCounts]) -> float | None:
    """Return [Π_g (agree_g + 0.5)/(n_g + 1)]^(1/G) over the same groups (silent: ½)."""
    grouped = _grouped(groups)
    if not grouped:
        return None
    product = math.prod(Fraction(2 * g.agree + 1, 2 * g.voters + 2) for g in grouped)
    return float(product) ** (1 / len(grouped))


def majority_z(agree: int, voters: int) -> float:
    """Return Pol.is's z = 2·√(n + 1)·((agree + 1)/(n + 1) − ½)."""
    return 2 * math.sqrt(voters + 1) * ((agree + 1) / (voters + 1) - 0.5)


def significant_majority(
    agree: int, voters: int, min_sample: int = SIGNIFICANCE_MIN_SAMPLE
) -> bool:
    """Return True when at least `min_sample` voted, p = (agree + 1)/(n + 2) > ½ and
    z > 1.2816 (90 %, one-sided). Below the sample nothing is significant."""
    if voters < min_sample:
        return False
    p = (agree + 1) / (voters + 2)
    return p > 0.5 and majority_z(agree, voters) > Z_90_ONE_SIDED


def holds_back(group: GroupCounts, rules: Rules) -> bool:
    """Return True when a group keeps the item from consensus: its agree share does not
    reach the group floor, a group below `group_min_voters` voters being judged as if its
    missing voters had agreed (so 2 of 2 against, at a minimum of 3, still count as
    1 of 3 in favour: not behind it). Residents with no group never hold back."""
    if group.group == NO_GROUP:
        return False
    voters = max(group.voters, rules.group_min_voters)
    agree = group.agree + (voters - group.voters)
    return voters > 0 and not reaches(agree, voters, rules.group_floor)


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    voters: int
    agreement: float | None
    polis: float | None
    normalised: float | None
    # None: fewer voters than SIGNIFICANCE_MIN_SAMPLE (「样本太少」), nothing to test.
    significant: bool | None
    # Groups that hold the item back from consensus (`holds_back`).
    dissenting_groups: tuple[str, ...]
    agree: int = 0
    disagree: int = 0
    passes: int = 0
    # Every offered group's counts, then residents with no group (if any voted).
    groups: tuple[GroupCounts, ...] = ()

    @property
    def no_group(self) -> GroupCounts | None:
        return next((g for g in self.groups if g.group == NO_GROUP), None)


def assess(groups: Sequence[GroupCounts], rules: Rules = Rules()) -> Assessment:
    """Return the verdict for one proposal from its per-group counts.

    `groups`: one entry per group the workshop offers (silent ones with zeros) and, for
    residents with no group, one entry named NO_GROUP. In this order:
    - no clear opinion: at least `quorum` voted and more than half of them passed;
    - insufficient participation: fewer than `quorum` took a side (agree or disagree);
    - consensus: agree from at least `agreement_threshold` of the item's voters (passes
      included) and no group holds it back (`holds_back`);
    - contested otherwise (the room split, or agreement too low).
    """
    agree = sum(g.agree for g in groups)
    disagree = sum(g.disagree for g in groups)
    passes = sum(g.passed for g in groups)
    voters = agree + disagree + passes
    held = tuple(g.group for g in groups if holds_back(g, rules))
    if voters and voters >= rules.quorum and 2 * passes > voters:
        verdict = Verdict.NO_CLEAR_OPINION
    elif not voters or agree + disagree < rules.quorum:
        verdict = Verdict.INSUFFICIENT
    elif reaches(agree, voters, rules.agreement_threshold) and not held:
        verdict = Verdict.CONSENSUS
    else:
        verdict = Verdict.CONTESTED
    significant = significant_majority(agree, voters) if voters >= SIGNIFICANCE_MIN_SAMPLE else None
    return Assessment(
        verdict=verdict,
        voters=voters,
        agreement=agree / voters if voters else None,
        polis=polis_consensus(groups),
        normalised=normalised_consensus(groups),
        significant=significant,
        dissenting_groups=held,
        agree=agree,
        disagree=disagree,
        passes=passes,
        groups=tuple(groups),
    )


# --- decision rules (what "passed" means; docs/consensus.md "Decision rules") -----------

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
    threshold: Fraction = HALF
    members: int = 0
    quorum_share: Fraction = HALF

    def __post_init__(self) -> None:
        for name in ("threshold", "quorum_share"):
            object.__setattr__(self, name, as_share(getattr(self, name)))


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
    return present > rules.members * as_share(rules.quorum_share)


def decide(yes: int, no: int, abstain: int, present: int, rules: DecisionRules) -> Decision:
    """Return whether a proposal passed under the workshop's decision rule."""
    if rules.basis == "cast":
        denominator = yes + no
    elif rules.basis == "present":
        denominator = present
    else:
        denominator = rules.members or present
    share = yes / denominator if denominator else None
    by_share = reaches(yes, denominator, rules.threshold)
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
    (agree ÷ the item's voters, passes included), then the number who agree (a
    proposal nobody voted on ranks last).
    """
    if method == "dots":
        return (dots,)
    if method == "agree":
        return (-1.0 if agreement is None else agreement, supporters)
    return (supporters,)
