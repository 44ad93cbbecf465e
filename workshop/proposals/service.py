"""Proposals (提案) and approval voting; tallies are computed from the vote rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workshop.db import utcnow
from workshop.errors import Forbidden, Invalid, NotFound
from workshop.live.broker import announce
from workshop.proposals.consensus import Assessment, GroupCounts, Rules, assess
from workshop.proposals.models import Proposal, Vote, VotingRound
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import require_stage

TITLE_MAX = 80
# Until workshops carry their own rules (issue 4), every workshop uses the defaults.
DEFAULT_RULES = Rules()
DESCRIPTION_MAX = 1000


def submit_proposal(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant | None,
    title: str,
    description: str = "",
) -> Proposal:
    require_stage(workshop, "proposals")
    title = title.strip()
    if not title:
        raise Invalid("proposal.title_required")
    if len(title) > TITLE_MAX:
        raise Invalid("field.too_long", limit=TITLE_MAX)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid("field.too_long", limit=DESCRIPTION_MAX)
    proposal = Proposal(
        workshop_id=workshop.id,
        participant_id=participant.id if participant else None,
        title=title,
        description=description.strip(),
    )
    db.add(proposal)
    db.flush()
    announce(db, workshop.id, "proposals")
    return proposal


def open_proposals(*, db: Session, workshop: Workshop) -> list[Proposal]:
    stmt = select(Proposal).where(Proposal.workshop_id == workshop.id, Proposal.status == "open")
    return list(db.scalars(stmt.order_by(Proposal.id)))


def current_round(*, db: Session, workshop: Workshop) -> VotingRound | None:
    """Return the workshop's latest round (open or closed), if any."""
    stmt = select(VotingRound).where(VotingRound.workshop_id == workshop.id)
    return db.scalar(stmt.order_by(VotingRound.id.desc()).limit(1))


def open_round(*, db: Session, workshop: Workshop) -> VotingRound:
    existing = current_round(db=db, workshop=workshop)
    if existing is not None and existing.status == "open":
        return existing
    voting_round = VotingRound(workshop_id=workshop.id, method="approval")
    db.add(voting_round)
    db.flush()
    return voting_round


def close_round(*, db: Session, workshop: Workshop) -> None:
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is not None and voting_round.status == "open":
        voting_round.status = "closed"
        voting_round.closed_at = utcnow()
        announce(db, workshop.id, "tally")


def set_support(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    support: bool,
) -> Vote:
    """Support or withdraw support; the unique (round, proposal, participant) row holds it."""
    require_stage(workshop, "voting")
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is None or voting_round.status != "open":
        raise Forbidden("vote.round_closed")
    if participant.workshop_id != workshop.id:
        raise Forbidden("vote.not_participant")
    proposal = db.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop.id or proposal.status != "open":
        raise NotFound("proposal.not_found")
    key = (Vote.round_id == voting_round.id, Vote.proposal_id == proposal.id)
    mine = Vote.participant_id == participant.id
    vote = db.scalar(select(Vote).where(*key, mine))
    if vote is None:
        vote = Vote(
            round_id=voting_round.id, proposal_id=proposal.id, participant_id=participant.id
        )
        try:
            with db.begin_nested():
                vote.value = int(support)
                db.add(vote)
        except IntegrityError:
            # A concurrent request from the same participant won the insert.
            vote = db.scalars(select(Vote).where(*key, mine)).one()
    vote.value = int(support)
    vote.updated_at = utcnow()
    db.flush()
    announce(db, workshop.id, "tally")
    return vote


def supported_ids(*, db: Session, workshop: Workshop, participant: Participant) -> set[int]:
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is None:
        return set()
    stmt = select(Vote.proposal_id).where(
        Vote.round_id == voting_round.id, Vote.participant_id == participant.id, Vote.value > 0
    )
    return set(db.scalars(stmt))


@dataclass(frozen=True)
class TallyRow:
    proposal_id: int
    title: str
    description: str
    supporters: int
    support_share: float
    rank: int


def tally(*, db: Session, workshop: Workshop) -> tuple[list[TallyRow], int]:
    """Rank open proposals by supporters; return the rows and the number of voters.

    Support share = supporters ÷ participants who supported anything in the round.
    Ties share a rank (1, 2, 2, 4).
    """
    proposals = open_proposals(db=db, workshop=workshop)
    voting_round = current_round(db=db, workshop=workshop)
    supporters: dict[int, int] = {}
    voters = 0
    if voting_round is not None:
        in_round = (Vote.round_id == voting_round.id, Vote.value > 0)
        supporters = dict(
            db.execute(
                select(Vote.proposal_id, func.count()).where(*in_round).group_by(Vote.proposal_id)
            ).all()
        )
        voters = db.scalar(select(func.count(func.distinct(Vote.participant_id))).where(*in_round))
    ordered = sorted(proposals, key=lambda p: (-supporters.get(p.id, 0), p.id))
    rows: list[TallyRow] = []
    for i, p in enumerate(ordered):
        n = supporters.get(p.id, 0)
        rank = rows[-1].rank if rows and rows[-1].supporters == n else i + 1
        share = n / voters if voters else 0.0
        rows.append(TallyRow(p.id, p.title, p.description, n, share, rank))
    return rows, voters or 0


def consensus_by_proposal(
    *, db: Session, workshop: Workshop, rules: Rules = DEFAULT_RULES
) -> dict[int, Assessment]:
    """Return the consensus assessment of each open proposal in the latest round.

    Approval voting: in each resident group, "agree" is a supporter of the proposal and
    "disagree" is a group member who voted in the round but not for it.
    """
    voting_round = current_round(db=db, workshop=workshop)
    proposals = open_proposals(db=db, workshop=workshop)
    if voting_round is None:
        return {p.id: assess([], rules) for p in proposals}
    in_round = (Vote.round_id == voting_round.id, Vote.value > 0)
    joined = select(Participant.group).join(Vote, Vote.participant_id == Participant.id)
    group_voters = dict(
        db.execute(
            joined.add_columns(func.count(func.distinct(Participant.id)))
            .where(*in_round)
            .group_by(Participant.group)
        ).all()
    )
    support: dict[tuple[int, str], int] = {
        (pid, group): n
        for group, pid, n in db.execute(
            joined.add_columns(Vote.proposal_id, func.count())
            .where(*in_round)
            .group_by(Vote.proposal_id, Participant.group)
        ).all()
    }
    result = {}
    for p in proposals:
        counts = [
            GroupCounts(
                group,
                agree=support.get((p.id, group), 0),
                disagree=n - support.get((p.id, group), 0),
            )
            for group, n in group_voters.items()
        ]
        result[p.id] = assess(counts, rules)
    return result
