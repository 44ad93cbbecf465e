"""Proposals and voting over HTTP: tablet actions, console moderation and rounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from workshop.ballots.cards import card_participant
from workshop.deps import (
    CodeWorkshop,
    CurrentParticipant,
    CurrentPlanner,
    DbSession,
    ParticipantCookie,
    PlannerWorkshop,
    RowId,
    run_tablet_write,
    tablet_lookup,
)
from workshop.errors import DomainError, Invalid
from workshop.i18n import t
from workshop.proposals import service, views
from workshop.proposals.models import Vote
from workshop.templating import go_to, is_htmx, partial_or_back, render
from workshop.voting.consensus import DecisionRules, Rules
from workshop.voting.rules import WorkshopRules, form_share
from workshop.workshops.models import Participant, Workshop

router = APIRouter()
# The hot path (every tap in a voting stage): its own router, included first, so a vote
# is matched before the app walks every other router (FastAPI matches them in order).
votes = APIRouter()


def _float(raw: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Invalid("geo.point_missing") from None


# --- tablet ------------------------------------------------------------------------


@router.post("/w/{code}/proposals")
def add_proposal(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    title: Annotated[str, Form(max_length=400)],
    description: Annotated[str, Form(max_length=4000)] = "",
    lon: Annotated[str, Form(max_length=32)] = "",
    lat: Annotated[str, Form(max_length=32)] = "",
    asset: Annotated[list[int] | None, Form()] = None,
) -> Response:
    proposal = service.submit_proposal(
        db=db,
        workshop=workshop,
        participant=participant,
        title=title,
        description=description,
        lon=_float(lon),
        lat=_float(lat),
        asset_ids=asset or [],
    )
    back = f"/w/{workshop.join_code}"
    return partial_or_back(
        request, "proposals/_saved.html", {"proposal": proposal}, back=back, status_code=201
    )


@router.get("/w/{code}/proposals/_list")
def proposal_list(
    request: Request, workshop: CodeWorkshop, participant: CurrentParticipant, db: DbSession
) -> Response:
    context = views.tablet_voting(db=db, workshop=workshop, participant=participant)
    return render(request, "proposals/_list.html", context)


@router.get("/w/{code}/proposals/_voting")
def voting_section(
    request: Request, workshop: CodeWorkshop, participant: CurrentParticipant, db: DbSession
) -> Response:
    context = views.tablet_voting(db=db, workshop=workshop, participant=participant)
    return render(request, "proposals/_voting_body.html", context)


@router.post("/w/{code}/proposals/{proposal_id}/withdraw")
def withdraw(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    proposal_id: RowId,
) -> Response:
    service.withdraw_proposal(
        db=db, workshop=workshop, participant=participant, proposal_id=proposal_id
    )
    context = views.tablet_voting(db=db, workshop=workshop, participant=participant)
    back = f"/w/{workshop.join_code}"
    return partial_or_back(request, "proposals/_list.html", context, back=back)


async def _vote_answer(
    request: Request,
    code: str,
    cookie: dict,
    proposal_id: int,
    action: Callable[[Session, Workshop, Participant], Vote],
) -> Response:
    """Run a vote action; htmx gets the proposal's control back, confirmed or refused.
    The hot path: the unit of work is entered in the event loop, the vote's few statements
    run without a threadpool hop on SQLite (deps.run_tablet_write), and the answer renders
    after the commit."""

    def work(db: Session) -> tuple[Workshop, dict, str | None, int]:
        workshop, participant = tablet_lookup(request, db, code, cookie)
        error, status, vote = None, 200, None
        try:
            vote = action(db, workshop, participant)
        except DomainError as exc:
            if not is_htmx(request):
                raise
            db.rollback()  # this request's work only (its savepoint on SQLite)
            error, status = t(exc.key, **exc.params), exc.status_code
        context = views.vote_control(
            db=db, workshop=workshop, participant=participant, proposal_id=proposal_id, vote=vote
        )
        return workshop, context, error, status

    workshop, context, error, status = await run_tablet_write(request, work)
    context.update(error=error, confirmed=error is None, oob=True)
    back = f"/w/{workshop.join_code}"
    return partial_or_back(
        request, "proposals/_vote_control.html", context, back=back, status_code=status
    )


@votes.post("/w/{code}/proposals/{proposal_id}/support")
async def support(
    request: Request,
    code: str,
    cookie: ParticipantCookie,
    proposal_id: RowId,
    support: Annotated[bool, Form()],
) -> Response:
    def action(db: Session, workshop: Workshop, participant: Participant) -> Vote:
        return service.set_support(
            db=db,
            workshop=workshop,
            participant=participant,
            proposal_id=proposal_id,
            support=support,
        )

    return await _vote_answer(request, code, cookie, proposal_id, action)


@votes.post("/w/{code}/proposals/{proposal_id}/vote")
async def vote(
    request: Request,
    code: str,
    cookie: ParticipantCookie,
    proposal_id: RowId,
    choice: Annotated[str, Form(max_length=16)] = "",
    delta: Annotated[int | None, Form()] = None,
) -> Response:
    """Dot voting: delta +1 / −1; agree/disagree/pass: choice; approval: choice=agree/pass."""

    def action(db: Session, workshop: Workshop, participant: Participant) -> Vote:
        if delta is not None:
            return service.change_dots(
                db=db,
                workshop=workshop,
                participant=participant,
                proposal_id=proposal_id,
                delta=delta,
            )
        return service.cast_choice(
            db=db,
            workshop=workshop,
            participant=participant,
            proposal_id=proposal_id,
            choice=choice,
        )

    return await _vote_answer(request, code, cookie, proposal_id, action)


# --- console -----------------------------------------------------------------------


def _console(workshop: PlannerWorkshop) -> str:
    return f"/console/workshops/{workshop.id}"


def _ballot_values(proposal: list[int], value: list[str]) -> dict[int, int]:
    """A ballot form's rows as {proposal id: value}; a row left "" is no vote."""
    if len(proposal) != len(value):
        raise Invalid("vote.bad_value")
    if len(set(proposal)) != len(proposal):  # two rows for one proposal: which one counts?
        raise Invalid("form.duplicate_rows")
    try:
        return {pid: int(v) for pid, v in zip(proposal, value, strict=True) if v.strip()}
    except ValueError:
        raise Invalid("vote.bad_value") from None


@router.get("/console/workshops/{workshop_id}/voting/_panel")
def console_panel(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    return render(request, "proposals/_console_body.html", views.console(db=db, workshop=workshop))


@router.get("/console/workshops/{workshop_id}/voting/_round_bar")
def console_round_bar(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    return render(request, "proposals/_round_bar.html", views.console(db=db, workshop=workshop))


@router.get("/console/workshops/{workshop_id}/voting/_results")
def console_results(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    context = views.console(db=db, workshop=workshop)
    return render(request, "proposals/_console_results.html", context)


@router.post("/console/workshops/{workshop_id}/rounds")
def start_round(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    method: Annotated[str, Form(max_length=16)],
    dots_total: Annotated[int, Form()] = 5,
    dots_per_proposal: Annotated[int, Form()] = 3,
    results_hidden: Annotated[bool, Form()] = False,
) -> Response:
    service.start_round(
        db=db,
        workshop=workshop,
        method=method,
        dots_total=dots_total,
        dots_per_proposal=dots_per_proposal,
        results_hidden=results_hidden,
    )
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/rounds/close")
def close_round(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    service.close_round(db=db, workshop=workshop)
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/rounds/results")
def results_visibility(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    hidden: Annotated[bool, Form()],
) -> Response:
    service.set_results_hidden(db=db, workshop=workshop, hidden=hidden)
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/ballots")
def enter_ballot(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    source: Annotated[str, Form(max_length=16)],
    proposal: Annotated[list[int], Form()],
    value: Annotated[list[str], Form()],
    group: Annotated[str, Form(max_length=64)] = "",
    card: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """A paper ballot or an assisted vote: one row per open proposal, "" = no vote.
    With a ballot card's code, the votes go to that card's participant."""
    values = _ballot_values(proposal, value)
    person = None
    if card.strip():
        person = card_participant(db=db, workshop=workshop, code=card, group=group)
    service.record_ballot(
        db=db,
        workshop=workshop,
        planner=planner,
        source=source,
        group=group,
        values=values,
        participant=person,
    )
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/ballots/correct")
def correct_ballot(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    participant: Annotated[int, Form(ge=1, le=2**31 - 1)],
    proposal: Annotated[list[int], Form()],
    value: Annotated[list[str], Form()],
) -> Response:
    """Correct an entered paper or assisted ballot; "" leaves a proposal as it is."""
    values = _ballot_values(proposal, value)
    service.correct_ballot(
        db=db, workshop=workshop, planner=planner, participant_id=participant, values=values
    )
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/rules")
def save_rules(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    method: Annotated[str, Form(max_length=16)],
    dots_total: Annotated[int, Form()],
    dots_per_proposal: Annotated[int, Form()],
    basis: Annotated[str, Form(max_length=16)],
    threshold: Annotated[str, Form(max_length=32)],
    members: Annotated[int, Form()],
    quorum_share: Annotated[str, Form(max_length=32)],
    agreement: Annotated[str, Form(max_length=32)],
    group_floor: Annotated[str, Form(max_length=32)],
    group_min_voters: Annotated[int, Form()],
    quorum: Annotated[int, Form()],
) -> Response:
    """Shares are typed as fractions, decimals or percentages ("2/3", "0.6", "60%") and
    stored exactly: the form shows them back as they are stored (2/3 stays 2/3)."""
    rules = WorkshopRules(
        consensus=Rules(
            agreement_threshold=form_share(agreement),
            group_min_voters=group_min_voters,
            group_floor=form_share(group_floor),
            quorum=quorum,
        ),
        decision=DecisionRules(
            basis=basis,
            threshold=form_share(threshold),
            members=members,
            quorum_share=form_share(quorum_share),
        ),
        method=method,
        dots_total=dots_total,
        dots_per_proposal=dots_per_proposal,
    )
    service.save_rules(db=db, workshop=workshop, rules=rules)
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/proposals/{proposal_id}/hide")
def hide(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    proposal_id: RowId,
    hidden: Annotated[bool, Form()] = True,
) -> Response:
    service.set_hidden(
        db=db, workshop=workshop, planner=planner, proposal_id=proposal_id, hidden=hidden
    )
    return go_to(request, _console(workshop))


@router.get("/console/workshops/{workshop_id}/proposals/{proposal_id}/_edit")
def edit_form(
    request: Request, workshop: PlannerWorkshop, db: DbSession, proposal_id: RowId
) -> Response:
    proposal = service.proposal_of(db=db, workshop=workshop, proposal_id=proposal_id)
    return render(request, "proposals/_edit.html", {"workshop": workshop, "p": proposal})


@router.post("/console/workshops/{workshop_id}/proposals/{proposal_id}/edit")
def edit(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    proposal_id: RowId,
    title: Annotated[str, Form(max_length=400)],
    description: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    service.edit_proposal(
        db=db,
        workshop=workshop,
        planner=planner,
        proposal_id=proposal_id,
        title=title,
        description=description,
    )
    return go_to(request, _console(workshop))


@router.post("/console/workshops/{workshop_id}/proposals/{proposal_id}/merge")
def merge(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    proposal_id: RowId,
    into: Annotated[int, Form()],
) -> Response:
    service.merge_proposals(
        db=db, workshop=workshop, planner=planner, source_id=proposal_id, target_id=into
    )
    return go_to(request, _console(workshop))
