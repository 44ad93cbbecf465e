from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from workshop.accounts.service import authenticate
from workshop.deps import DbSession, client_key
from workshop.errors import NotAuthenticated
from workshop.i18n import t
from workshop.ratelimit import LOGINS, TooManyAttempts
from workshop.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a link send planners elsewhere.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/console"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "accounts/login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/console",
) -> Response:
    key = f"{client_key(request)}|{username.strip().lower()}"
    try:
        LOGINS.check(db, key)
        planner = authenticate(db=db, username=username, password=password)
    except (NotAuthenticated, TooManyAttempts) as exc:
        if isinstance(exc, NotAuthenticated):
            LOGINS.fail(db, key)
        context = {
            "next": _safe_next(next),
            "error": t(exc.key, **exc.params),
            "username": username,
        }
        return render(request, "accounts/login.html", context, status_code=exc.status_code)
    request.session.clear()
    request.session["planner_id"] = planner.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
