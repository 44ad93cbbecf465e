"""Server-Sent Events: one stream per page, topics only (clients re-fetch).

The stream routes check access in ONE worker-thread hop with a short read session, not
through the DbSession dependency chain: each sync dependency is its own thread hop, and a
session holds its pooled connection between hops. When hundreds of tablets (re)connect
at once (the Wi-Fi came back), the session is admitted in the event loop
(`Database.request_unit`) and never waits for a connection inside a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from workshop.db import Database
from workshop.deps import code_workshop, current_planner, optional_participant, planner_workshop
from workshop.errors import NotAuthenticated
from workshop.live.broker import BROKER

router = APIRouter()
PING_SECONDS = 15


async def _events(workshop_id: int, *, console: bool) -> AsyncIterator[dict]:
    yield {"event": "hello", "data": "connected"}
    async for topic in BROKER.subscribe(workshop_id):
        # "typing <ref> <0|1>" carries data; only the planner's console listens to it.
        name, _, data = topic.partition(" ")
        if name == "typing" and not console:
            continue
        yield {"event": name, "data": data or topic}


def _stream(workshop_id: int, *, console: bool = False) -> EventSourceResponse:
    return EventSourceResponse(
        _events(workshop_id, console=console),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _participant_workshop(request: Request, db: Session, code: str) -> int:
    """Return the id of the workshop `code` names, if this device joined it."""
    workshop = code_workshop(code, request, db)
    if optional_participant(request, workshop, db) is None:
        raise NotAuthenticated("join.required")
    return workshop.id


def _planner_workshop(request: Request, db: Session, workshop_id: int) -> int:
    """Return `workshop_id` if the logged-in planner runs it."""
    planner = current_planner(request, db)
    return planner_workshop(workshop_id, planner, db).id


async def _checked(request: Request, check: Callable[..., int], key: str | int) -> int:
    # The check's session is closed before the stream starts: a stream holds no connection.
    database: Database = request.app.state.db
    async with database.request_unit(write=False) as db:
        return await run_in_threadpool(check, request, db, key)


@router.get("/w/{code}/events")
async def tablet_events(request: Request, code: str) -> EventSourceResponse:
    return _stream(await _checked(request, _participant_workshop, code))


@router.get("/console/workshops/{workshop_id}/events")
async def console_events(request: Request, workshop_id: int) -> EventSourceResponse:
    return _stream(await _checked(request, _planner_workshop, workshop_id), console=True)
