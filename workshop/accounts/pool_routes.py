"""Joining the expert pool: registration (/register), claiming an imported placeholder
account (/claim/{token}), and making a claim link (/console/placeholders/…/claim-link)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from workshop.accounts import claims, registration
from workshop.accounts.models import Planner
from workshop.accounts.service import DISCIPLINES, TITLES
from workshop.deps import CurrentPlanner, DbSession, RowId, client_key
from workshop.errors import DomainError
from workshop.i18n import t
from workshop.ratelimit import REGISTRATIONS_PER_ADDRESS
from workshop.templating import render

router = APIRouter()
Password = Annotated[str, Form(max_length=200)]
Line = Annotated[str, Form(max_length=64)]


def _register_page(
    request: Request, db: DbSession, form: dict, error: str = "", status_code: int = 200
) -> Response:
    context = {
        "form": form,
        "error": error,
        "disciplines": DISCIPLINES,
        "titles": TITLES,
        "organisations": registration.organisations(db),
    }
    return render(request, "accounts/register.html", context, status_code=status_code)


@router.get("/register")
def register_page(request: Request, db: DbSession) -> Response:
    return _register_page(request, db, {"discipline": "planner", "title": "intermediate"})


@router.post("/register")
def register(
    request: Request,
    db: DbSession,
    username: Line,
    name: Line,
    password: Password,
    password_again: Password,
    discipline: Annotated[str, Form(max_length=16)] = "planner",
    title: Annotated[str, Form(max_length=16)] = "intermediate",
    organisation_id: Annotated[int, Form(ge=0, le=2_147_483_647)] = 0,
    phone: Annotated[str, Form(max_length=32)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    statement: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Apply to the expert pool: a disabled account and a pending application."""
    form = registration.ApplicationForm(
        username=username,
        name=name,
        password=password,
        password_again=password_again,
        discipline=discipline,
        title=title,
        organisation_id=organisation_id,
        phone=phone,
        email=email,
        statement=statement,
    )
    address = "register|" + client_key(request)
    try:
        REGISTRATIONS_PER_ADDRESS.check(db, address)
        REGISTRATIONS_PER_ADDRESS.fail(db, address)  # every attempt counts
        registration.apply(db=db, form=form)
    except DomainError as exc:
        shown = {k: v for k, v in vars(form).items() if not k.startswith("password")}
        error = t(exc.key, **exc.params)
        return _register_page(request, db, shown, error, status_code=exc.status_code)
    return RedirectResponse("/login?done=applied", status_code=303)


def _claim_page(
    request: Request,
    token: str,
    *,
    planner: Planner | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    context = {"token": token, "account": planner, "error": error}
    response = render(request, "accounts/claim.html", context, status_code=status_code)
    # The token is in the address: keep the page out of caches (the app's Referrer-Policy,
    # same-origin, already keeps it from other sites).
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/claim/{token}")
def claim_page(request: Request, token: str, db: DbSession) -> Response:
    try:
        _, planner = claims.claimable(db, token)
    except DomainError as exc:
        return _claim_page(request, token, error=t(exc.key), status_code=exc.status_code)
    return _claim_page(request, token, planner=planner)


@router.post("/claim/{token}")
def claim(
    request: Request,
    token: str,
    db: DbSession,
    name: Line,
    password: Password,
    password_again: Password,
) -> Response:
    """Set the imported account's password and name: it may log in from now on."""
    try:
        claims.claim(
            db=db, token=token, name=name, password=password, password_again=password_again
        )
    except DomainError as exc:
        try:
            _, planner = claims.claimable(db, token)
        except DomainError:
            planner = None
        error = t(exc.key, **exc.params)
        return _claim_page(
            request, token, planner=planner, error=error, status_code=exc.status_code
        )
    return RedirectResponse("/login?done=claimed", status_code=303)


@router.post("/console/placeholders/{placeholder_id}/claim-link")
def claim_link(
    request: Request, placeholder_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    """A one-time claim link for an imported placeholder, shown once (only its hash is
    kept); a city administrator or the planner who imported the workshop makes it."""
    token, invitation = claims.issue_link(db=db, by=planner, account_id=placeholder_id)
    account = db.get(Planner, placeholder_id)
    context = {
        "planner": planner,
        "account": account,
        "link": str(request.url_for("claim_page", token=token)),
        "expires_at": invitation.expires_at,
        "back": "/console/admin#placeholders"
        if planner.role == "city_admin"
        else "/console/bundles#placeholders",
    }
    response = render(request, "accounts/claim_link.html", context)
    response.headers["Cache-Control"] = "no-store"  # the token is shown once
    return response
