"""Ballot cards (console and tablet), the poster tally and the population figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from workshop.audit.checks import verify_workshop
from workshop.ballots import service
from workshop.ballots.cards import pretty
from workshop.ballots.pdf import cards_pdf
from workshop.deps import (
    CurrentPlanner,
    DbSession,
    PlannerWorkshop,
    RowId,
    join_key,
    mark_shared_tablet,
    optional_participant,
    set_participant_cookie,
    wrong_code,
)
from workshop.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from workshop.i18n import t
from workshop.proposals.moderation import open_proposals
from workshop.ratelimit import JOIN_CODES
from workshop.templating import go_to, public_base, render
from workshop.voting.rounds import current_round
from workshop.web import wants_json
from workshop.workshops.models import Workshop

router = APIRouter()


def _base(workshop: Workshop) -> str:
    return f"/console/workshops/{workshop.id}"


# --- console -----------------------------------------------------------------------


def panel_context(db: DbSession, workshop: Workshop) -> dict:
    cards = service.cards_of(db=db, workshop=workshop)
    population = service.population_of(db=db, workshop=workshop)
    voting_round = current_round(db=db, workshop=workshop)
    return {
        "workshop": workshop,
        "rep": service.representativeness(db=db, workshop=workshop),
        "population": population.counts if population else {},
        "margin_pct": round((population.margin if population else 0.10) * 100, 1),
        "cards_total": len(cards),
        "cards_new": sum(1 for c in cards if c.status == "new"),
        "round": voting_round,
        "open_targets": open_proposals(db=db, workshop=workshop) if voting_round else [],
    }


@router.get("/console/workshops/{workshop_id}/ballots/_panel")
def console_panel(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    return render(request, "ballots/_console_body.html", panel_context(db, workshop))


@router.post("/console/workshops/{workshop_id}/population")
def save_population(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    group: Annotated[list[str], Form()],
    count: Annotated[list[str], Form()],
    margin_pct: Annotated[float, Form()] = 10.0,
) -> Response:
    if len(group) != len(count):
        raise Invalid("ballots.population_invalid")
    try:
        counts = {g: int(c or 0) for g, c in zip(group, count, strict=True)}
    except ValueError:
        raise Invalid("ballots.population_invalid") from None
    service.set_population(db=db, workshop=workshop, counts=counts, margin=margin_pct / 100)
    return go_to(request, _base(workshop))


@router.post("/console/workshops/{workshop_id}/poster")
def enter_poster(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    proposal: Annotated[list[int], Form()],
    dots: Annotated[list[str], Form()],
    group: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if len(proposal) != len(dots):
        raise Invalid("ballots.poster_invalid", limit=service.MAX_POSTER_DOTS)
    if len(set(proposal)) != len(proposal):  # two rows for one proposal: which one counts?
        raise Invalid("form.duplicate_rows")
    try:
        counts = {p: int(d) for p, d in zip(proposal, dots, strict=True) if d.strip()}
    except ValueError:
        raise Invalid("ballots.poster_invalid", limit=service.MAX_POSTER_DOTS) from None
    service.enter_poster(db=db, workshop=workshop, planner=planner, dots=counts, group=group)
    return go_to(request, _base(workshop))


@router.get("/console/workshops/{workshop_id}/cards")
def cards_page(
    request: Request, workshop: PlannerWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    cards = service.cards_of(db=db, workshop=workshop)
    context = {"workshop": workshop, "planner": planner, "cards": cards, "pretty": pretty}
    return render(request, "ballots/cards.html", context)


@router.post("/console/workshops/{workshop_id}/cards")
def make_cards(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    count: Annotated[int, Form(ge=0, le=10_000)],
    group: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    service.create_cards(db=db, workshop=workshop, count=count, group=group)
    return go_to(request, f"{_base(workshop)}/cards")


@router.post("/console/workshops/{workshop_id}/cards/{card_id}/cancel")
def cancel(request: Request, workshop: PlannerWorkshop, db: DbSession, card_id: RowId) -> Response:
    service.cancel_card(db=db, workshop=workshop, card_id=card_id)
    return go_to(request, f"{_base(workshop)}/cards")


@router.get("/console/workshops/{workshop_id}/cards.pdf")
def cards_sheet(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    """The unused cards as an A4 sheet to print and cut."""
    cards = [c for c in service.cards_of(db=db, workshop=workshop) if c.status == "new"]
    if not cards:
        raise NotFound("ballots.cards_none")
    pdf = cards_pdf(workshop, cards, public_base(request))
    headers = {"Content-Disposition": f'inline; filename="ballot-cards-{workshop.id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


# --- tablet ------------------------------------------------------------------------


def _card_page(request: Request, db: DbSession, code: str, error: DomainError | None = None):
    """The card's start screen; with an error, the refusal (and, for a wrong group choice,
    the choice again)."""
    if error is not None and wants_json(request):
        raise error  # API clients get {"detail", "code"} from the app's handler
    context: dict = {"code": code}
    status = 200
    if error is not None:
        context["error"] = t(error.key, **error.params)
        status = error.status_code
    if error is None or isinstance(error, Invalid):
        card = service.card_by_code(db=db, code=code)
        context["card"] = card
        context["workshop"] = db.get(Workshop, card.workshop_id)
    return render(request, "ballots/card.html", context, status_code=status)


def _checked_card(request: Request, db: DbSession, code: str):
    """Look the card up; unknown codes count against the device like join codes."""
    JOIN_CODES.check_in(request.app.state.db, join_key(request))
    try:
        return service.card_by_code(db=db, code=code)
    except NotFound:
        wrong_code(request)
        raise


@router.get("/c/{code}")
def card_start(request: Request, db: DbSession, code: str) -> Response:
    """A scanned card: its start screen (one tap; a GET never starts anyone, so link
    previews cannot use a card up), or straight back in on the device that used it."""
    code = code[:32]
    try:
        card = _checked_card(request, db, code)
        workshop = db.get(Workshop, card.workshop_id)
        assert workshop is not None
        if card.status == "cancelled":
            raise Forbidden("ballots.card_cancelled")
        if card.status == "used":
            device = optional_participant(request, workshop, db)
            if device is not None and device.id == card.participant_id:
                return RedirectResponse(f"/w/{workshop.join_code}", status_code=303)
            raise Conflict("ballots.card_used")
    except DomainError as exc:
        return _card_page(request, db, code, exc)
    return _card_page(request, db, card.code)


@router.post("/c/{code}")
def card_use(
    request: Request,
    db: DbSession,
    code: str,
    group: Annotated[str, Form(max_length=64)] = "",
    consent: Annotated[bool, Form()] = False,
) -> Response:
    code = code[:32]
    try:
        card = _checked_card(request, db, code)
        workshop = db.get(Workshop, card.workshop_id)
        assert workshop is not None
        device = optional_participant(request, workshop, db)
        card, person = service.use_card(
            db=db, code=card.code, group=group, device=device, consent=consent
        )
    except DomainError as exc:
        return _card_page(request, db, code, exc)
    response = go_to(request, f"/w/{workshop.join_code}")
    set_participant_cookie(request, response, person)
    mark_shared_tablet(request, response, workshop)  # a card is handed from person to person
    return response


@router.get("/console/workshops/{workshop_id}/verify")
def verify(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    """Recompute the workshop's hash chains (as `workshop verify` does) and show the result."""
    checked, problems = verify_workshop(db, workshop.id)
    return render(
        request,
        "ballots/_verify.html",
        {"workshop": workshop, "checked": checked, "problems": problems},
    )
