"""Server-Sent Events: one stream per page, topics only (clients re-fetch).

The stream routes check access in ONE worker-thread hop with a short read session, not
through the DbSession dependency chain: each sync dependency is its own thread hop, and a
session holds its pooled connection between hops. When hundreds of tablets (re)connect
at once (the Wi-Fi came back), requests holding connections would wait for threads that
are all blocked waiting for connections, until the pool timeout fails them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
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


def _participant_workshop(request: Request, code: str) -> int:
    """Return the id of the workshop `code` names, if this device joined it."""
    database: Database = request.app.state.db
    with database.unit_of_work(write=False) as db:
        workshop = code_workshop(code, request, db)
        if optional_participant(request, workshop, db) is None:
            raise NotAuthenticated("join.required")
        return workshop.id


def _planner_workshop(request: Request, workshop_id: int) -> int:
    """Return `workshop_id` if the logged-in planner runs it."""
    database: Database = request.app.state.db
    with database.unit_of_work(write=False) as db:
        planner = current_planner(request, db)
        return planner_workshop(workshop_id, planner, db).id


@router.get("/w/{code}/events")
async def tablet_events(request: Request, code: str) -> EventSourceResponse:
    return _stream(await run_in_threadpool(_participant_workshop, request, code))


@router.get("/console/workshops/{workshop_id}/events")
async def console_events(request: Request, workshop_id: int) -> EventSourceResponse:
    return _stream(await run_in_threadpool(_planner_workshop, request, workshop_id), console=True)
