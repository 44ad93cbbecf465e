"""A workshop's voting rules: stored as JSON per workshop, defaults for missing keys."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from workshop.db import utcnow
from workshop.errors import Invalid
from workshop.proposals.consensus import BASES, METHODS, DecisionRules, Rules
from workshop.proposals.models import VotingRules
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

    def to_json(self) -> dict[str, Any]:
        return {
            "consensus": asdict(self.consensus),
            "decision": asdict(self.decision),
            "method": self.method,
            "dots_total": self.dots_total,
            "dots_per_proposal": self.dots_per_proposal,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> WorkshopRules:
        """Read stored rules; unknown keys are ignored, missing ones take the defaults."""
        data = data or {}
        consensus = {k: v for k, v in (data.get("consensus") or {}).items() if k in _FIELDS_C}
        decision = {k: v for k, v in (data.get("decision") or {}).items() if k in _FIELDS_D}
        base = cls()
        return cls(
            consensus=Rules(**consensus),
            decision=DecisionRules(**decision),
            method=data.get("method", base.method),
            dots_total=int(data.get("dots_total", base.dots_total)),
            dots_per_proposal=int(data.get("dots_per_proposal", base.dots_per_proposal)),
        )


_FIELDS_C = set(Rules.__dataclass_fields__)
_FIELDS_D = set(DecisionRules.__dataclass_fields__)


def rules_of(*, db: Session, workshop: Workshop) -> WorkshopRules:
    """Return the workshop's rules (the defaults until the facilitator saves some)."""
    row = db.get(VotingRules, workshop.id)
    return WorkshopRules.from_json(row.rules if row else None)


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
    shares = (c.agreement_threshold, c.group_floor, d.threshold, d.quorum_share)
    if not all(0 < s <= 1 for s in shares):
        raise Invalid("voting.share_invalid")
    if c.quorum < 0 or c.group_min_voters < 1 or d.members < 0:
        raise Invalid("voting.count_invalid")
    if max(c.quorum, c.group_min_voters, d.members) > COUNT_MAX:
        raise Invalid("voting.count_too_large", limit=COUNT_MAX)
    row = db.get(VotingRules, workshop.id)
    if row is None:
        row = VotingRules(workshop_id=workshop.id)
        db.add(row)
    row.rules = rules.to_json()
    row.updated_at = utcnow()
    db.flush()
    return rules
