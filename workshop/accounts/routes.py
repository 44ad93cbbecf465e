from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from workshop.accounts import sessions
from workshop.accounts.service import authenticate, change_password
from workshop.deps import CurrentPlanner, DbSession, RowId, client_key
from workshop.errors import NotAuthenticated
from workshop.i18n import t
from workshop.ratelimit import LOGINS_PER_ACCOUNT, LOGINS_PER_ADDRESS, TooManyAttempts
from workshop.templating import go_to, render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a link send planners elsewhere.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/console"


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        sessions.SESSION_COOKIE,
        token,
        max_age=60 * 60 * sessions.SESSION_MAX_HOURS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )


def _start(request: Request, db: DbSession, planner, target: str) -> Response:
    token = sessions.start_session(
        db=db,
        planner=planner,
        user_agent=request.headers.get("user-agent", ""),
        address=client_key(request),
    )
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, token)
    return response


@router.get("/login")
def login_page(request: Request, next: str | None = None, done: str | None = None) -> Response:
    # done: what the page that sent the visitor here finished ("applied", "claimed").
    notice = {"applied": "register.sent", "claimed": "claim.done"}.get(done or "")
    return render(request, "accounts/login.html", {"next": _safe_next(next), "notice": notice})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/console",
) -> Response:
    # Failures count per account (from any address) and per address (for any account).
    account = "account|" + username.strip().lower()
    address = "address|" + client_key(request)
    try:
        LOGINS_PER_ACCOUNT.check(db, account)
        LOGINS_PER_ADDRESS.check(db, address)
        planner = authenticate(db=db, username=username, password=password)
    except (NotAuthenticated, TooManyAttempts) as exc:
        if isinstance(exc, NotAuthenticated) and exc.key == "login.failed":
            LOGINS_PER_ACCOUNT.fail(db, account)
            LOGINS_PER_ADDRESS.fail(db, address)
        context = {
            "next": _safe_next(next),
            "error": t(exc.key, **exc.params),
            "username": username,
        }
        return render(request, "accounts/login.html", context, status_code=exc.status_code)
    # A fresh session (and so a fresh CSRF token) at every login: no fixation.
    sessions.end_session(db=db, token=request.cookies.get(sessions.SESSION_COOKIE))
    return _start(request, db, planner, _safe_next(next))


@router.post("/logout")
def logout(request: Request, db: DbSession) -> Response:
    sessions.end_session(db=db, token=request.cookies.get(sessions.SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.SESSION_COOKIE)
    return response


@router.get("/console/sessions")
def my_sessions(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    idle = request.app.state.settings.session_idle_minutes
    from datetime import timedelta

    context = {
        "planner": planner,
        "sessions": sessions.active_sessions(db=db, planner=planner, idle=timedelta(minutes=idle)),
        "current": getattr(request.state, "login_session_id", None),
    }
    return render(request, "accounts/sessions.html", context)


@router.post("/console/sessions/{session_id}/end")
def end_session(
    request: Request, session_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    sessions.end_one(db=db, planner=planner, session_id=session_id)
    return go_to(request, "/console/sessions")


@router.post("/console/password")
def new_password(
    request: Request,
    planner: CurrentPlanner,
    db: DbSession,
    current: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Change the password: every session of the account ends, this browser gets a new one."""
    change_password(db=db, planner=planner, current=current, new=password)
    sessions.end_all_sessions(db=db, planner_id=planner.id)
    return _start(request, db, planner, "/console/sessions?changed=1")
