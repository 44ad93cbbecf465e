"""Voting rounds: opened with a method by the facilitator, closed (and frozen) by them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.db import utcnow
from workshop.errors import Conflict, Invalid
from workshop.live.broker import announce
from workshop.proposals.models import VotingRound
from workshop.voting.consensus import METHODS
from workshop.voting.rules import check_dots, rules_of
from workshop.workshops.models import Workshop
from workshop.workshops.service import require_stage


def current_round(*, db: Session, workshop: Workshop) -> VotingRound | None:
    """Return the workshop's latest round (open or closed), if any."""
    stmt = select(VotingRound).where(VotingRound.workshop_id == workshop.id)
    return db.scalar(stmt.order_by(VotingRound.id.desc()).limit(1))


def rounds_of(*, db: Session, workshop: Workshop) -> list[VotingRound]:
    stmt = select(VotingRound).where(VotingRound.workshop_id == workshop.id)
    return list(db.scalars(stmt.order_by(VotingRound.id)))


def open_round(*, db: Session, workshop: Workshop) -> VotingRound:
    """Open a round with the workshop's default method, unless one is open already."""
    existing = current_round(db=db, workshop=workshop)
    if existing is not None and existing.status == "open":
        return existing
    rules = rules_of(db=db, workshop=workshop)
    return _new_round(db, workshop, rules.method, rules.dots_total, rules.dots_per_proposal)


def start_round(
    *,
    db: Session,
    workshop: Workshop,
    method: str,
    dots_total: int = 5,
    dots_per_proposal: int = 3,
    results_hidden: bool = False,
) -> VotingRound:
    """Open a new round chosen by the facilitator; refused while another is open."""
    require_stage(workshop, "voting")
    if method not in METHODS:
        raise Invalid("voting.unknown_method")
    check_dots(dots_total, dots_per_proposal)
    existing = current_round(db=db, workshop=workshop)
    if existing is not None and existing.status == "open":
        raise Conflict("voting.round_already_open")
    voting_round = _new_round(db, workshop, method, dots_total, dots_per_proposal)
    voting_round.results_hidden = results_hidden
    return voting_round


def _new_round(db: Session, workshop: Workshop, method: str, n: int, k: int) -> VotingRound:
    voting_round = VotingRound(
        workshop_id=workshop.id, method=method, dots_total=n, dots_per_proposal=k
    )
    db.add(voting_round)
    db.flush()
    announce(db, workshop.id, "tally")
    announce(db, workshop.id, "round")  # tablets re-fetch to show the new method
    return voting_round


def close_round(*, db: Session, workshop: Workshop) -> VotingRound | None:
    """Close the open round: its votes are frozen and hidden results are revealed."""
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is not None and voting_round.status == "open":
        voting_round.status = "closed"
        voting_round.closed_at = utcnow()
        db.flush()
        announce(db, workshop.id, "tally")
        announce(db, workshop.id, "round")
    return voting_round


def set_results_hidden(*, db: Session, workshop: Workshop, hidden: bool) -> VotingRound:
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is None or voting_round.status != "open":
        raise Conflict("voting.no_open_round")
    voting_round.results_hidden = hidden
    db.flush()
    announce(db, workshop.id, "tally")
    return voting_round
