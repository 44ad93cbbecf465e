"""Server-Sent Events: one stream per page, topics only (clients re-fetch)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter
from sse_starlette import EventSourceResponse

from workshop.deps import CodeWorkshop, CurrentParticipant, PlannerWorkshop
from workshop.live.broker import BROKER

router = APIRouter()
PING_SECONDS = 15


async def _events(workshop_id: int) -> AsyncIterator[dict]:
    yield {"event": "hello", "data": "connected"}
    async for topic in BROKER.subscribe(workshop_id):
        yield {"event": topic, "data": topic}


def _stream(workshop_id: int) -> EventSourceResponse:
    return EventSourceResponse(
        _events(workshop_id),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/w/{code}/events")
def tablet_events(workshop: CodeWorkshop, _who: CurrentParticipant) -> EventSourceResponse:
    return _stream(workshop.id)


@router.get("/console/workshops/{workshop_id}/events")
def console_events(workshop: PlannerWorkshop) -> EventSourceResponse:
    return _stream(workshop.id)
