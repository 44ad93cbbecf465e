"""Votes: one row per participant, proposal and round; budgets checked
in the same transaction as the write; every change kept in the audit trail.

Concurrency: the participant's row is locked first (SELECT … FOR UPDATE on PostgreSQL;
on SQLite the writer session already holds the database lock from BEGIN IMMEDIATE), so
two requests of one participant are serialised and cannot overspend the dot budget.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from workshop.accounts.models import Planner
from workshop.audit.chain import append_change
from workshop.db import utcnow
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.live.broker import announce
from workshop.proposals.models import Proposal, Vote, VoteChange, VotingRound
from workshop.voting.rounds import current_round
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import join, require_stage

AGREE, DISAGREE, PASS = 1, -1, 0
CHOICES = {"agree": AGREE, "disagree": DISAGREE, "pass": PASS}
SOURCES = ("tablet", "paper", "assisted")
_KEEP = "workshop_vote_objects"


def merge_targets(*, db: Session, workshop: Workshop) -> dict[int, int]:
    """Map each proposal id to the id its votes count for (merged → target, else itself)."""
    rows = db.execute(
        select(Proposal.id, Proposal.merged_into_id, Proposal.status).where(
            Proposal.workshop_id == workshop.id
        )
    ).all()
    return {pid: (into if status == "merged" and into else pid) for pid, into, status in rows}


def _votable(db: Session, proposal: Proposal | None) -> Proposal:
    if proposal is None:
        raise NotFound("proposal.not_found")
    if proposal.status == "merged":
        target = db.get(Proposal, proposal.merged_into_id)
        raise Conflict("vote.proposal_merged", title=target.title if target else "")
    if proposal.status != "open":
        raise Forbidden(f"vote.proposal_{proposal.status}")
    return proposal


def _check_value(voting_round: VotingRound, value: int) -> None:
    allowed = {
        "approval": range(0, 2),
        "agree": range(-1, 2),
        "dots": range(0, voting_round.dots_per_proposal + 1),
    }[voting_round.method]
    if value not in allowed:
        if voting_round.method == "dots" and value > 0:
            raise Conflict("vote.k_exceeded", k=voting_round.dots_per_proposal)
        raise Invalid("vote.bad_value")


_DOTS = (
    select(Vote.proposal_id, Vote.value, Proposal.merged_into_id, Proposal.status)
    .join(Proposal, Proposal.id == Vote.proposal_id)
    .where(
        Vote.round_id == bindparam("round_id"),
        Vote.participant_id == bindparam("participant_id"),
    )
)


def _dots_by_target(
    db: Session, voting_round: VotingRound, participant: Participant
) -> dict[int, int]:
    """Return target proposal → dots for one participant in the round (merged duplicates
    add to their target). Dots on hidden or withdrawn proposals stay spent: showing a
    proposal again must never push anyone over budget."""
    params = {"round_id": voting_round.id, "participant_id": participant.id}
    rows = db.execute(_DOTS, params).all()
    per_target: dict[int, int] = {}
    for pid, value, into, status in rows:
        t = into if status == "merged" and into else pid
        per_target[t] = per_target.get(t, 0) + value
    return per_target


def _check_budget(
    db: Session,
    voting_round: VotingRound,
    participant: Participant,
    proposal_id: int,
    delta: int,
) -> None:
    """Refuse adding `delta` dots beyond k on one proposal (merged duplicates folded in)
    or beyond the participant's N dots. Runs before the write, in the same transaction."""
    per_target = _dots_by_target(db, voting_round, participant)
    k, n = voting_round.dots_per_proposal, voting_round.dots_total
    # The proposal voted on is open, so it is its own target.
    if per_target.get(proposal_id, 0) + delta > k:
        raise Conflict("vote.k_exceeded", k=k)
    per_target[proposal_id] = per_target.get(proposal_id, 0) + delta
    if sum(min(k, v) for v in per_target.values()) > n:
        raise Conflict("vote.budget_used", n=n)


def dots_left(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    voting_round: VotingRound | None = None,
) -> int | None:
    """Return the participant's unspent dots in the latest dot round (None otherwise)."""
    voting_round = voting_round or current_round(db=db, workshop=workshop)
    if voting_round is None or voting_round.method != "dots":
        return None
    per_target = _dots_by_target(db, voting_round, participant)
    k = voting_round.dots_per_proposal
    return voting_round.dots_total - sum(min(k, v) for v in per_target.values())


def _lock_participant(db: Session, participant: Participant) -> None:
    # Serialises one participant's concurrent requests on PostgreSQL. SQLite has no row
    # locks: its writer sessions start with BEGIN IMMEDIATE, which serialises every writer.
    if db.get_bind().dialect.name != "sqlite":
        stmt = select(Participant.id).where(Participant.id == participant.id)
        db.execute(stmt.with_for_update())


# Built once: constructing a statement and its cache key costs more than running it.
_ROUND_PROPOSAL_VOTE = (
    select(VotingRound, Proposal, Vote)
    .select_from(VotingRound)
    .outerjoin(
        Proposal,
        and_(
            Proposal.id == bindparam("proposal_id"),
            Proposal.workshop_id == bindparam("workshop_id"),
        ),
    )
    .outerjoin(
        Vote,
        and_(
            Vote.round_id == VotingRound.id,
            Vote.proposal_id == Proposal.id,
            Vote.participant_id == bindparam("participant_id"),
        ),
    )
    .where(VotingRound.workshop_id == bindparam("workshop_id"))
    .order_by(VotingRound.id.desc())
    .limit(1)
    .with_for_update(read=True, of=VotingRound)
    .execution_options(populate_existing=True)
)


def _round_proposal_vote(
    db: Session, workshop: Workshop, participant: Participant, proposal_id: int
) -> tuple[VotingRound, Proposal, Vote | None]:
    """Load the workshop's latest round, the proposal and the participant's vote on it in
    that round with one SELECT; refuse when there is no open round or no such proposal.

    FOR SHARE OF voting_round on PostgreSQL: a concurrent close waits for this vote, or
    this vote waits for the close and then sees the round closed. Never a vote after a
    close. populate_existing: what was loaded earlier in the session is read again."""
    params = {
        "workshop_id": workshop.id,
        "proposal_id": proposal_id,
        "participant_id": participant.id,
    }
    row = db.execute(_ROUND_PROPOSAL_VOTE, params).first()
    if row is None:
        raise Forbidden("vote.no_round")
    voting_round, proposal, vote = row
    # The answer's view (and the audit trail) look these up again with db.get: keep them
    # in the session's identity map (it holds only weak references) for the request.
    db.info.setdefault(_KEEP, []).extend(o for o in (voting_round, proposal) if o is not None)
    if voting_round.status != "open":
        raise Forbidden("vote.round_closed")
    return voting_round, _votable(db, proposal), vote


# The vote's own writes are two Core statements on the session's connection (built once):
# the ORM's flush of one row cost several times the statement (the vote path's hottest part).
_INSERT_VOTE = insert(Vote)
_UPDATE_VOTE = (
    update(Vote)
    .where(Vote.id == bindparam("vote_id"))
    .values(
        value=bindparam("new_value"), source=bindparam("new_source"), updated_at=bindparam("now")
    )
)


def _cast(
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    new_value: Callable[[VotingRound, int | None], int],
    source: str,
    planner: Planner | None,
) -> Vote:
    require_stage(workshop, "voting")
    if participant.workshop_id != workshop.id:
        raise Forbidden("vote.not_participant")
    if source not in SOURCES:
        raise Invalid("vote.bad_source")
    _lock_participant(db, participant)
    voting_round, proposal, vote = _round_proposal_vote(db, workshop, participant, proposal_id)
    old = vote.value if vote is not None else None
    value = new_value(voting_round, old)
    _check_value(voting_round, value)
    if vote is not None and old == value:
        return vote
    if voting_round.method == "dots" and value > (old or 0):
        _check_budget(db, voting_round, participant, proposal.id, value - (old or 0))
    now = utcnow()
    conn = db.connection()
    try:
        if vote is None:
            fields = {
                "round_id": voting_round.id,
                "proposal_id": proposal.id,
                "participant_id": participant.id,
                "value": value,
                "source": source,
                "created_at": now,
                "updated_at": now,
            }
            key = conn.execute(_INSERT_VOTE, fields).inserted_primary_key
            assert key is not None
            vote_id = key[0]
            vote = Vote(id=vote_id, **fields)  # the answer's copy; the row is written
        else:
            conn.execute(
                _UPDATE_VOTE,
                {"vote_id": vote.id, "new_value": value, "new_source": source, "now": now},
            )
            for key, new in (("value", value), ("source", source), ("updated_at", now)):
                set_committed_value(vote, key, new)
        # Hash-chained per workshop (workshop.audit.chain).
        append_change(
            db,
            workshop.id,
            round_id=voting_round.id,
            proposal_id=proposal.id,
            participant_id=participant.id,
            old_value=old,
            new_value=value,
            source=source,
            planner_id=planner.id if planner else None,
            created_at=now,
        )
    except IntegrityError:
        # The unique constraint caught a second row; with the participant locked this
        # needs a writer outside this code. Refuse (the request rolls back) rather than guess.
        raise Conflict("vote.retry") from None
    announce(db, workshop.id, "tally")
    return vote


def cast_vote(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    value: int,
    source: str = "tablet",
    planner: Planner | None = None,
) -> Vote:
    """Set the participant's vote on a proposal in the open round to `value`."""
    return _cast(db, workshop, participant, proposal_id, lambda _r, _o: value, source, planner)


def change_dots(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    delta: int,
    source: str = "tablet",
    planner: Planner | None = None,
) -> Vote:
    """Add (+1) or take back (−1) dots on a proposal; refused beyond k or the budget."""
    if delta not in (-1, 1):
        raise Invalid("vote.bad_value")

    def new_value(voting_round: VotingRound, old: int | None) -> int:
        if voting_round.method != "dots":
            raise Invalid("vote.wrong_method")
        return max(0, (old or 0) + delta)

    return _cast(db, workshop, participant, proposal_id, new_value, source, planner)


def cast_choice(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    choice: str,
) -> Vote:
    """A tablet's agree / disagree / pass; in an approval round agree supports and the
    others withdraw support (the round is read once, in the vote's transaction)."""
    if choice not in CHOICES:
        raise Invalid("vote.bad_value")

    def new_value(voting_round: VotingRound, _old: int | None) -> int:
        value = CHOICES[choice]
        return max(value, 0) if voting_round.method == "approval" else value

    return _cast(db, workshop, participant, proposal_id, new_value, "tablet", None)


def set_support(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    support: bool,
) -> Vote:
    """Approval voting: support (1) or withdraw support (0)."""
    return cast_vote(
        db=db,
        workshop=workshop,
        participant=participant,
        proposal_id=proposal_id,
        value=int(support),
    )


def my_votes(*, db: Session, workshop: Workshop, participant: Participant) -> dict[int, int]:
    """Return {proposal id: value} of the participant's votes in the latest round."""
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is None:
        return {}
    stmt = select(Vote.proposal_id, Vote.value).where(
        Vote.round_id == voting_round.id, Vote.participant_id == participant.id
    )
    return dict(db.execute(stmt).all())


def supported_ids(*, db: Session, workshop: Workshop, participant: Participant) -> set[int]:
    return {
        pid
        for pid, v in my_votes(db=db, workshop=workshop, participant=participant).items()
        if v > 0
    }


def vote_changes(*, db: Session, voting_round: VotingRound) -> list[VoteChange]:
    stmt = select(VoteChange).where(VoteChange.round_id == voting_round.id)
    return list(db.scalars(stmt.order_by(VoteChange.id)))


def record_ballot(
    *,
    db: Session,
    workshop: Workshop,
    planner: Planner,
    source: str,
    group: str,
    values: dict[int, int],
    participant: Participant | None = None,
) -> Participant:
    """Enter a paper ballot (or a vote cast with a facilitator's help) as a new participant,
    or for `participant` (a resident who started on a ballot card and asks for help).

    Every vote goes through the same checks as a tablet's (open round, k, budget) and is
    audited with its source and the planner who entered it; one refusal stores nothing
    of the ballot (the request rolls back).
    """
    if source not in ("paper", "assisted"):
        raise Invalid("vote.bad_source")
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is None or voting_round.status != "open":
        raise Forbidden("vote.round_closed")
    # 0 means "no vote" for approval and dots; for agree/disagree/pass it is a pass.
    votes = {p: v for p, v in values.items() if v != 0 or voting_round.method == "agree"}
    if not votes:
        raise Invalid("vote.empty_ballot")
    person = participant or join(db=db, workshop=workshop, nickname="", group=group, consent=True)
    for proposal_id, value in sorted(votes.items()):
        cast_vote(
            db=db,
            workshop=workshop,
            participant=person,
            proposal_id=proposal_id,
            value=value,
            source=source,
            planner=planner,
        )
    return person


def correct_ballot(
    *,
    db: Session,
    workshop: Workshop,
    planner: Planner,
    participant_id: int,
    values: dict[int, int],
) -> Participant:
    """Correct an entered paper or assisted ballot in the open round: each changed value
    is a new audited change (old → new, source kept, the correcting planner), never an
    edit in place. 0 takes an approval or dot vote back."""
    person = db.get(Participant, participant_id)
    if person is None or person.workshop_id != workshop.id:
        raise Forbidden("vote.not_participant")
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is None or voting_round.status != "open":
        raise Forbidden("vote.round_closed")
    sources = set(
        db.scalars(
            select(VoteChange.source).where(
                VoteChange.round_id == voting_round.id, VoteChange.participant_id == person.id
            )
        )
    )
    if not sources or not sources <= {"paper", "assisted"}:
        raise Forbidden("ballots.not_a_ballot")
    source = "assisted" if "assisted" in sources else "paper"
    # Lower values first, so a correction that moves dots never trips the budget midway.
    for proposal_id, value in sorted(values.items(), key=lambda kv: kv[1]):
        cast_vote(
            db=db,
            workshop=workshop,
            participant=person,
            proposal_id=proposal_id,
            value=value,
            source=source,
            planner=planner,
        )
    return person
