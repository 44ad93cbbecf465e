"""Typed dependencies: the request's unit of work, the planner and the participant."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.accounts.sessions import SESSION_COOKIE, live_session, needs_touch, touch
from workshop.db import Database
from workshop.errors import NotAuthenticated, NotFound
from workshop.ratelimit import JOIN_CODES
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import (
    participant_by_token,
    workshop_and_participant,
)

# A row id in a URL: bounded so that a huge number is a 422, not a database overflow
# (SQLite integers are 64-bit, PostgreSQL's INTEGER 32-bit).
ROW_ID_MAX = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]

PARTICIPANT_COOKIE = "ws_participant"
T = TypeVar("T")
# A shared tablet (passed from resident to resident) shows 下一位; a personal phone does not.
SHARED_TABLET_COOKIE = "ws_shared_tablet"


def photos_dir(request: Request) -> pathlib.Path:
    """The app's photo folder (`Settings.photos_dir`)."""
    return request.app.state.settings.photos_dir


READ_METHODS = {"GET", "HEAD", "OPTIONS"}


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request; committed (durably) before the response is sent.

    Async on purpose: waiting for the SQLite writer or a PostgreSQL connection happens in
    the event loop, never in a threadpool thread (workshop.writer explains why)."""
    database: Database = request.app.state.db
    async with database.request_unit(write=request.method not in READ_METHODS) as session:
        yield session


# scope="function": commit before the response is sent, so an acknowledged write is stored.
DbSession = Annotated[Session, Depends(get_db, scope="function")]


def current_planner(request: Request, db: DbSession) -> Planner:
    """The account of the request's live server-side session (workshop.accounts.sessions)."""
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    found = live_session(db=db, token=request.cookies.get(SESSION_COOKIE), idle=idle)
    if found is None:
        raise NotAuthenticated("login.required")
    session, planner = found
    request.state.login_session_id = session.id
    if needs_touch(session):
        if request.method in READ_METHODS:  # this request's session may be read-only
            # Best effort: never wait for the writer in this thread (issue 14); a busy
            # writer means the next request touches the session instead.
            with request.app.state.db.unit_of_work_if_free() as writer:
                if writer is not None:
                    touch(db=writer, session_id=session.id)
        else:
            touch(db=db, session_id=session.id)
    return planner


CurrentPlanner = Annotated[Planner, Depends(current_planner)]


def city_admin(planner: CurrentPlanner) -> Planner:
    if planner.role != "city_admin":
        raise NotFound("error.not_found")
    return planner


CityAdmin = Annotated[Planner, Depends(city_admin)]


def street_office_user(planner: CurrentPlanner) -> Planner:
    if planner.role != "street_office" or planner.street_office_id is None:
        raise NotFound("error.not_found")
    return planner


StreetOfficeUser = Annotated[Planner, Depends(street_office_user)]


def planner_workshop(workshop_id: RowId, planner: CurrentPlanner, db: DbSession) -> Workshop:
    """Load a workshop the logged-in planner runs, or 404 (never reveal others')."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None or workshop.planner_id != planner.id:
        raise NotFound("workshop.not_found")
    return workshop


PlannerWorkshop = Annotated[Workshop, Depends(planner_workshop)]


def client_key(request: Request) -> str:
    """The client's address. X-Forwarded-For is honoured only by the server, and only
    from the proxies the operator names (`WORKSHOP_TRUSTED_PROXIES`; default none)."""
    return request.client.host if request.client else "unknown"


def join_key(request: Request) -> str:
    return "join|" + client_key(request)


def wrong_code(request: Request) -> None:
    """Count a wrong join code or card against the client (429 once over the budget)."""
    database: Database = request.app.state.db
    JOIN_CODES.check_in(database, join_key(request))
    JOIN_CODES.fail_in(database, join_key(request))


def device_in_workshop(
    request: Request, db: Session, code: str, cookie: dict | None
) -> tuple[Workshop, Participant | None]:
    """The one way a request finds its workshop and participant: the workshop the join
    code names and this device's participant in it (None when the device's signed cookie
    is for another workshop, or names nobody), in one SELECT. A wrong code counts
    against the device (429 once over the budget)."""
    token = str(cookie.get("t")) if cookie is not None else None
    found = workshop_and_participant(db=db, code=code, token=token)
    if found is None:
        wrong_code(request)
        raise NotFound("join.unknown_code")
    workshop, participant = found
    if cookie is None or cookie.get("w") != workshop.id:
        participant = None
    return workshop, participant


def code_workshop(code: str, request: Request, db: DbSession) -> Workshop:
    """Load the workshop a join code names; a tablet joined to this workshop is never held
    back by other devices' wrong codes. Its participant is kept for the request
    (CurrentParticipant then costs no query and no threadpool hop)."""
    cookie = _participant_cookie(request)
    workshop, participant = device_in_workshop(request, db, code, cookie)
    if cookie is None or cookie.get("w") != workshop.id:
        JOIN_CODES.check_in(request.app.state.db, join_key(request), db)
    else:
        request.state.joined = (workshop.id, str(cookie.get("t")), participant)
    return workshop


CodeWorkshop = Annotated[Workshop, Depends(code_workshop)]


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="participant")


def set_participant_cookie(request: Request, response: Response, participant: Participant) -> None:
    value = _serializer(request).dumps({"w": participant.workshop_id, "t": participant.token})
    response.set_cookie(
        PARTICIPANT_COOKIE,
        value,
        max_age=60 * 60 * 24,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )


def mark_shared_tablet(request: Request, response: Response, workshop: Workshop) -> None:
    """Remember on this device that it is a shared tablet of `workshop` (for the day)."""
    response.set_cookie(
        SHARED_TABLET_COOKIE,
        str(workshop.id),
        max_age=60 * 60 * 24,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )


def is_shared_tablet(request: Request, workshop: Workshop) -> bool:
    """True when this device was joined as a shared tablet of `workshop`: through the
    shared-tablet screen, a ballot card, or the planner's shared-tablet link."""
    return request.cookies.get(SHARED_TABLET_COOKIE) == str(workshop.id)


def _participant_cookie(request: Request) -> dict | None:
    """Return the signed participant cookie's content ({"w": workshop id, "t": token})."""
    raw = request.cookies.get(PARTICIPANT_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request).loads(raw)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def optional_participant(
    request: Request, workshop: CodeWorkshop, db: DbSession
) -> Participant | None:
    """Return the participant whose signed cookie belongs to this workshop, else None."""
    data = _participant_cookie(request)
    if data is None or data.get("w") != workshop.id:
        return None
    token = str(data.get("t"))
    known = getattr(request.state, "joined", None)
    if known is not None and known[:2] == (workshop.id, token):
        return known[2]  # loaded with the workshop (code_workshop)
    return participant_by_token(db=db, workshop=workshop, token=token)


async def current_participant(
    request: Request, workshop: CodeWorkshop, db: DbSession
) -> Participant:
    """The joined participant, else NotAuthenticated. Async: code_workshop loaded it."""
    known = getattr(request.state, "joined", None)
    if known is not None and known[0] == workshop.id:
        participant = optional_participant(request, workshop, db)  # no query
    else:
        participant = await run_in_threadpool(optional_participant, request, workshop, db)
    if participant is None:
        raise NotAuthenticated("join.required")
    return participant


CurrentParticipant = Annotated[Participant, Depends(current_participant)]


async def participant_cookie(request: Request) -> dict:
    """The signed participant cookie's content, else NotAuthenticated. Async: checked on
    the event loop (no database, no threadpool hop) and, like CurrentParticipant, before
    the form is validated, so a request without a join goes to the join screen."""
    data = _participant_cookie(request)
    if data is None:
        raise NotAuthenticated("join.required")
    return data


ParticipantCookie = Annotated[dict, Depends(participant_cookie)]


async def run_tablet_write(
    request: Request, work: Callable[[Session], T], *, write: bool = True
) -> T:
    """Run a hot tablet write (a vote) as the request's unit of work; return `work(db)`.

    SQLite: `work` runs on the event loop while this request holds the one writer (its
    statements cannot wait: the batch's BEGIN went out first, from a thread), so a vote
    costs no threadpool hop at all; a vote is a few small statements. PostgreSQL: `work`
    runs in one threadpool hop (network round trips). Either way the answer is rendered
    by the caller after the commit. `work` starts with `tablet_lookup`."""
    database: Database = request.app.state.db
    async with database.request_unit(write=write) as db:
        if write and database.writer is not None:
            await database.writer.ready_for_loop()
            return work(db)
        return await run_in_threadpool(work, db)


def tablet_lookup(
    request: Request, db: Session, code: str, cookie: dict
) -> tuple[Workshop, Participant]:
    """CodeWorkshop + CurrentParticipant for the vote path (`device_in_workshop`): a
    joined tablet is not rate-limited (another device's wrong codes are theirs)."""
    workshop, participant = device_in_workshop(request, db, code, cookie)
    if participant is None:
        raise NotAuthenticated("join.required")
    return workshop, participant
