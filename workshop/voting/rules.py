"""A workshop's voting rules: stored as JSON per workshop, defaults for missing keys.

Shares (thresholds, floors, quorum shares) are stored exactly, as "numerator/denominator"
text ("2/3"), and read back as Fractions; rules saved before that as floats (0.6667 from
the old percentage form) were moved back to 2/3 by migration 0016, which left a note in
`notes` that the record prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from workshop.db import utcnow
from workshop.errors import Invalid
from workshop.proposals.models import VotingRules
from workshop.voting.consensus import (
    BASES,
    HALF,
    METHODS,
    DecisionRules,
    Rules,
    as_share,
    parse_share,
    share_text,
)
from workshop.workshops.models import Workshop

DOTS_MAX = 20


@dataclass(frozen=True)
class WorkshopRules:
    """Everything a facilitator sets once per workshop; printed in the record and report."""

    consensus: Rules = field(default_factory=Rules)
    decision: DecisionRules = field(default_factory=DecisionRules)
    method: str = "approval"
    dots_total: int = 5
    dots_per_proposal: int = 3
    # Notes about changes made to the rules other than by the form (e.g. migration 0016
    # restoring 2/3): {"key", "at", "from", "to", "field"}; printed in the record.
    notes: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        def exact(obj: Any) -> dict[str, Any]:
            return {
                name: share_text(v) if isinstance(v, Fraction) else v
                for name, v in vars(obj).items()
            }

        data = {
            "consensus": exact(self.consensus),
            "decision": exact(self.decision),
            "method": self.method,
            "dots_total": self.dots_total,
            "dots_per_proposal": self.dots_per_proposal,
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> WorkshopRules:
        """Read stored rules; unknown keys are ignored, missing ones take the defaults."""
        data = data or {}
        consensus = {
            k: stored_share(v) if k in _SHARES else v
            for k, v in (data.get("consensus") or {}).items()
            if k in _FIELDS_C
        }
        decision = {
            k: stored_share(v) if k in _SHARES else v
            for k, v in (data.get("decision") or {}).items()
            if k in _FIELDS_D
        }
        base = cls()
        notes = data.get("notes")
        return cls(
            consensus=Rules(**consensus),  # type: ignore[arg-type]  # shares: Rules converts
            decision=DecisionRules(**decision),  # type: ignore[arg-type]
            method=data.get("method", base.method),
            dots_total=int(data.get("dots_total", base.dots_total)),
            dots_per_proposal=int(data.get("dots_per_proposal", base.dots_per_proposal)),
            notes=tuple(n for n in notes if isinstance(n, dict)) if isinstance(notes, list) else (),
        )


_FIELDS_C = set(Rules.__dataclass_fields__)
_FIELDS_D = set(DecisionRules.__dataclass_fields__)
_SHARES = {"agreement_threshold", "group_floor", "threshold", "quorum_share"}
# The old percentage form rounded to two decimals of a percent: ±1/20000 of a share.
_FORM_ROUNDING = Fraction(1, 20000)


def stored_share(value: Any) -> Fraction:
    """Read a stored share: exact text as it is; a float (rules written before shares
    were exact, e.g. in an old bundle) as the simple fraction (denominator ≤ 12) it was
    rounded from, if any — 0.6667 is 2/3, as migration 0016 restores it."""
    if isinstance(value, float):
        written = Fraction(repr(value))
        for denominator in range(1, 13):
            simple = Fraction(round(written * denominator), denominator)
            if abs(written - simple) <= _FORM_ROUNDING:
                return simple
    return as_share(value)


def rules_of(*, db: Session, workshop: Workshop) -> WorkshopRules:
    """Return the workshop's rules (the defaults until the facilitator saves some)."""
    row = db.get(VotingRules, workshop.id)
    return WorkshopRules.from_json(row.rules if row else None)


def form_share(text: str) -> Fraction:
    """Parse a share typed in the rules form ("2/3", "0.6", "60%", "60"), exactly."""
    try:
        return parse_share(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise Invalid("voting.share_invalid") from exc


# People in one community's meeting or register: far above any real one, far below what
# a JSON number or a database integer can hold (members=9223372036854775808 is refused).
COUNT_MAX = 1_000_000


def check_dots(dots_total: int, dots_per_proposal: int) -> None:
    if not 1 <= dots_total <= DOTS_MAX or not 1 <= dots_per_proposal <= dots_total:
        raise Invalid("voting.dots_invalid", limit=DOTS_MAX)


def save_rules(*, db: Session, workshop: Workshop, rules: WorkshopRules) -> WorkshopRules:
    """Validate and store the rules; bad values raise Invalid and store nothing."""
    c, d = rules.consensus, rules.decision
    if rules.method not in METHODS:
        raise Invalid("voting.unknown_method")
    if d.basis not in BASES:
        raise Invalid("voting.unknown_basis")
    check_dots(rules.dots_total, rules.dots_per_proposal)
    shares = [as_share(s) for s in (c.agreement_threshold, c.group_floor, d.threshold)]
    shares.append(as_share(d.quorum_share))
    if not all(0 < s <= 1 for s in shares):
        raise Invalid("voting.share_invalid")
    if as_share(c.agreement_threshold) < HALF:
        raise Invalid("voting.agreement_too_low")
    if c.quorum < 0 or c.group_min_voters < 1 or d.members < 0:
        raise Invalid("voting.count_invalid")
    if max(c.quorum, c.group_min_voters, d.members) > COUNT_MAX:
        raise Invalid("voting.count_too_large", limit=COUNT_MAX)
    row = db.get(VotingRules, workshop.id)
    if row is None:
        row = VotingRules(workshop_id=workshop.id)
        db.add(row)
    # A note from a migration stays with the rules until the planner saves new ones.
    rules = WorkshopRules(
        consensus=rules.consensus,
        decision=rules.decision,
        method=rules.method,
        dots_total=rules.dots_total,
        dots_per_proposal=rules.dots_per_proposal,
        notes=WorkshopRules.from_json(row.rules).notes if row.rules else (),
    )
    row.rules = rules.to_json()
    row.updated_at = utcnow()
    db.flush()
    return rules
