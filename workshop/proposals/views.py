"""Template contexts for the tablet, console and projector views of proposals and votes.

Plain functions over the services: no HTTP here, so routes stay a few lines each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.assets.features import assets_of
from workshop.i18n import label, t
from workshop.proposals import service
from workshop.proposals.models import Vote, VoteChange, VotingRound
from workshop.voting.tally import TallyRow, voters_by_source
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.representativeness import representativeness, under_represented

CHART_ROWS = 8
CHART_WIDTH = 640
AGREE_COLOUR, DISAGREE_COLOUR, PASS_COLOUR, BAR_COLOUR = "#1b7f3b", "#b00020", "#9e9e9e", "#b23a2b"


def tablet_voting(*, db: Session, workshop: Workshop, participant: Participant) -> dict:
    """Context for the tablet's proposals and voting stages."""
    proposals = service.open_proposals(db=db, workshop=workshop)
    context: dict[str, Any] = {
        "workshop": workshop,
        "participant": participant,
        "proposals": proposals,
        "votes": {},
        "round": None,
        "dots_left": None,
        "links": service.linked_assets(db=db, proposal_ids=[p.id for p in proposals]),
    }
    if workshop.stage == "proposals":
        context["assets"] = assets_of(db=db, workshop=workshop)
    if workshop.stage == "voting":
        voting_round = service.current_round(db=db, workshop=workshop)
        context["round"] = voting_round
        context["votes"] = service.my_votes(db=db, workshop=workshop, participant=participant)
        context["dots_left"] = service.dots_left(
            db=db, workshop=workshop, participant=participant, voting_round=voting_round
        )
        context["supported"] = {p for p, v in context["votes"].items() if v > 0}
    return context


def vote_control(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    proposal_id: int,
    vote: Vote | None = None,
) -> dict:
    """Context for one proposal's voting control: after a vote (`vote` given, nothing to
    look up again) or after a refusal (read back what is stored)."""
    proposal = service.proposal_of(db=db, workshop=workshop, proposal_id=proposal_id)
    if vote is not None:
        voting_round = db.get(VotingRound, vote.round_id)
        value: int | None = vote.value
    else:
        voting_round = service.current_round(db=db, workshop=workshop)
        votes = service.my_votes(db=db, workshop=workshop, participant=participant)
        value = votes.get(proposal.id)
    dots = None
    if voting_round is not None and voting_round.method == "dots":
        dots = service.dots_left(
            db=db, workshop=workshop, participant=participant, voting_round=voting_round
        )
    return {
        "workshop": workshop,
        "p": proposal,
        "round": voting_round,
        "value": value,
        "dots_left": dots,
    }


@dataclass(frozen=True)
class Bar:
    """One row of the projector's SVG chart (x and widths in chart units 0–1000)."""

    rank: int
    title: str
    proposal_id: int
    figure: str
    detail: str
    segments: tuple[tuple[float, float, str], ...]
    # The consensus verdict ("" without one) and 「样本太少」 below the minimum sample.
    verdict: str = ""
    verdict_key: str = ""
    significance: str = ""


def chart(rows: list[TallyRow], method: str, voters: int) -> list[Bar]:
    """Bars for the top rows: dots against the most dots, approval against voters,
    agree/disagree/pass stacked as shares of those who voted on the proposal."""
    top = rows[:CHART_ROWS]
    most = max((r.dots for r in top), default=0) or 1
    bars = []
    for r in top:
        if method == "dots":
            figure = t("projector.dots_unit", n=r.dots)
            segments: tuple[tuple[float, float, str], ...]
            segments = ((0.0, CHART_WIDTH * r.dots / most, BAR_COLOUR),)
            detail = t("projector.people_unit", n=r.supporters)
        elif method == "agree":
            n = r.agree + r.disagree + r.passes
            a = CHART_WIDTH * r.agree / n if n else 0.0
            d = CHART_WIDTH * r.disagree / n if n else 0.0
            p = CHART_WIDTH * r.passes / n if n else 0.0
            segments = ((0.0, a, AGREE_COLOUR), (a, d, DISAGREE_COLOUR), (a + d, p, PASS_COLOUR))
            figure = "—" if r.agreement is None else f"{r.agreement:.0%}"
            detail = t("projector.agree_split", a=r.agree, d=r.disagree, p=r.passes)
        else:
            figure = t("projector.people_unit", n=r.supporters)
            segments = ((0.0, CHART_WIDTH * r.support_share, BAR_COLOUR),)
            detail = f"{r.support_share:.0%}"
        verdict, key, significance = "", "", ""
        if r.assessment is not None:
            key = r.assessment.verdict.value
            verdict = label("verdict", key)
            if r.assessment.significant is None:
                significance = t("projector.too_few")
            elif r.assessment.significant:
                significance = t("projector.significant")
        bars.append(
            Bar(
                r.rank,
                r.title,
                r.proposal_id,
                figure,
                detail,
                segments,
                verdict=verdict,
                verdict_key=key,
                significance=significance,
            )
        )
    return bars


def ungrouped_voters(*, db: Session, voting_round: VotingRound | None) -> int:
    """How many residents with no group voted in the round (their own line)."""
    if voting_round is None:
        return 0
    voted = select(Vote.participant_id).where(Vote.round_id == voting_round.id)
    if voting_round.method != "agree":
        voted = voted.where(Vote.value > 0)
    stmt = (
        select(func.count())
        .select_from(Participant)
        .where(Participant.id.in_(voted), func.coalesce(Participant.group, "") == "")
    )
    return db.scalar(stmt) or 0


def projector(*, db: Session, workshop: Workshop) -> dict:
    """Context for the projector board: the wall, or the live (or hidden) results."""
    voting_round = service.current_round(db=db, workshop=workshop)
    rows, voters = service.tally(db=db, workshop=workshop)
    participants = db.scalar(
        select(func.count()).select_from(Participant).where(Participant.workshop_id == workshop.id)
    )
    method = voting_round.method if voting_round else "approval"
    hidden = bool(voting_round and voting_round.status == "open" and voting_round.results_hidden)
    return {
        "rows": rows,
        "voters": voters,
        "participants": participants or 0,
        "round": voting_round,
        "method": method,
        "results_hidden": hidden,
        "bars": [] if hidden else chart(rows, method, voters),
        "chart_width": CHART_WIDTH,
        "no_group_voters": 0 if hidden else ungrouped_voters(db=db, voting_round=voting_round),
        "newest_id": max((r.proposal_id for r in rows), default=0),
    }


def console(*, db: Session, workshop: Workshop) -> dict:
    """Context for the console panel: rounds, rules, moderation and history."""
    voting_round = service.current_round(db=db, workshop=workshop)
    rows, voters = service.tally(db=db, workshop=workshop) if voting_round else ([], 0)
    proposals = service.all_proposals(db=db, workshop=workshop)
    changes, recent = 0, []
    if voting_round is not None:
        in_round = VoteChange.round_id == voting_round.id
        changes = db.scalar(select(func.count()).select_from(VoteChange).where(in_round)) or 0
        recent = list(
            db.scalars(select(VoteChange).where(in_round).order_by(VoteChange.id.desc()).limit(20))
        )
    return {
        "workshop": workshop,
        "round": voting_round,
        "rounds": service.rounds_of(db=db, workshop=workshop),
        "rules": service.rules_of(db=db, workshop=workshop),
        "proposals": proposals,
        "open_targets": [p for p in proposals if p.status == "open"],
        "titles": {p.id: p.title for p in proposals},
        "rows": rows,
        "voters": voters,
        "vote_sources": voters_by_source(db=db, workshop=workshop) if voting_round else {},
        "under_represented": under_represented(representativeness(db=db, workshop=workshop)),
        "history": service.history(db=db, workshop=workshop),
        "changes": changes or 0,
        "recent_changes": recent,
        "method_label": label("method", voting_round.method) if voting_round else "",
    }
