from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from workshop.deps import CurrentPlanner, DbSession
from workshop.service_log.service import DEFAULT_BASE_POINTS, log_of
from workshop.templating import render

router = APIRouter(prefix="/console")


@router.get("/service-log")
def service_log(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    entries = log_of(db=db, planner=planner)
    context = {
        "planner": planner,
        "entries": entries,
        "total_points": sum(e.base_points for e in entries),
        "total_hours": sum(e.hours for e in entries),
        "defaults": DEFAULT_BASE_POINTS,
    }
    return render(request, "service_log/service_log.html", context)
