"""Typed dependencies: the request's unit of work, the planner and the participant."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Path, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.db import Database
from workshop.errors import NotAuthenticated, NotFound
from workshop.ratelimit import JOIN_CODES
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import (
    participant_by_token,
    workshop_and_participant,
    workshop_by_code,
)

# A row id in a URL: bounded so that a huge number is a 422, not a database overflow
# (SQLite integers are 64-bit, PostgreSQL's INTEGER 32-bit).
ROW_ID_MAX = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]

PARTICIPANT_COOKIE = "ws_participant"
# A shared tablet (passed from resident to resident) shows 下一位; a personal phone does not.
SHARED_TABLET_COOKIE = "ws_shared_tablet"


def photos_dir(request: Request) -> pathlib.Path:
    """The app's photo folder (`Settings.photos_dir`)."""
    return request.app.state.settings.photos_dir


READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; committed before the response is sent."""
    database: Database = request.app.state.db
    with database.unit_of_work(write=request.method not in READ_METHODS) as session:
        yield session


# scope="function": commit before the response is sent, so an acknowledged write is stored.
DbSession = Annotated[Session, Depends(get_db, scope="function")]


def current_planner(request: Request, db: DbSession) -> Planner:
    planner_id = request.session.get("planner_id")
    planner = db.get(Planner, planner_id) if planner_id else None
    if planner is None:
        raise NotAuthenticated("login.required")
    return planner


CurrentPlanner = Annotated[Planner, Depends(current_planner)]


def planner_workshop(workshop_id: RowId, planner: CurrentPlanner, db: DbSession) -> Workshop:
    """Load a workshop the logged-in planner runs, or 404 (never reveal others')."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None or workshop.planner_id != planner.id:
        raise NotFound("workshop.not_found")
    return workshop


PlannerWorkshop = Annotated[Workshop, Depends(planner_workshop)]


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def code_workshop(code: str, request: Request, db: DbSession) -> Workshop:
    """Load the workshop a join code names; wrong codes count against the device."""
    key = client_key(request)
    JOIN_CODES.check(key)
    try:
        return workshop_by_code(db=db, code=code)
    except NotFound:
        JOIN_CODES.fail(key)
        raise


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
    return participant_by_token(db=db, workshop=workshop, token=str(data.get("t")))


def current_participant(
    participant: Annotated[Participant | None, Depends(optional_participant)],
) -> Participant:
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


@contextmanager
def tablet_unit_of_work(
    request: Request, code: str, cookie: dict
) -> Iterator[tuple[Session, Workshop, Participant]]:
    """DbSession + CodeWorkshop + CurrentParticipant for a hot tablet write (a vote), as
    one plain context manager instead of four dependencies: same checks, errors and rate
    limit, but the route runs in one threadpool hop, the workshop and the participant come
    back in one SELECT, and on SQLite the writer lock is held for the database work only,
    not across dependency hops nor while the answer renders (render after the block:
    sessions keep loaded attributes after commit).

        with tablet_unit_of_work(request, code, cookie) as (db, workshop, participant): ...

    `cookie` comes from the ParticipantCookie dependency.
    """
    key = client_key(request)
    JOIN_CODES.check(key)
    token = str(cookie.get("t"))
    database: Database = request.app.state.db
    with database.unit_of_work(write=request.method not in READ_METHODS) as db:
        found = workshop_and_participant(db=db, code=code, token=token)
        if found is None:
            JOIN_CODES.fail(key)
            raise NotFound("join.unknown_code")
        workshop, participant = found
        if participant is None or cookie.get("w") != workshop.id:
            raise NotAuthenticated("join.required")
        yield db, workshop, participant
