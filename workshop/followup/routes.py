"""Follow-up updates, the community page and the planner's records overview."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from workshop.assessments.review import facilitators, is_facilitator
from workshop.assessments.service import latest_record
from workshop.city import service as city
from workshop.deps import CurrentPlanner, DbSession, RowId
from workshop.errors import Invalid, NotFound
from workshop.followup import service
from workshop.inventory import service as inventory
from workshop.inventory import views as inventory_views
from workshop.mapping.maps import allow_online_tiles
from workshop.service_log.service import my_workshops
from workshop.templating import go_to, render
from workshop.text import check_date
from workshop.workshops.models import Workshop

router = APIRouter(prefix="/console")


def _next_statuses() -> dict[str, tuple[str, ...]]:
    return {s: service.allowed_next(s) for s in service.STATUSES}


@router.get("/records")
def records(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    workshops = my_workshops(db=db, planner=planner)
    rows = []
    for w in workshops:
        try:
            record = latest_record(db=db, workshop=w)
        except NotFound:
            record = None
        rows.append({"workshop": w, "record": record, "lead": w.planner_id == planner.id})
    communities = {w.community_id: w.community for w in workshops}
    context = {"planner": planner, "rows": rows, "communities": list(communities.values())}
    return render(request, "followup/records.html", context)


@router.get("/communities/{community_id}")
def community_page(
    request: Request, community_id: int, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = inventory.visible_community(db=db, community_id=community_id, planner=planner)
    mine = [w for w in my_workshops(db=db, planner=planner) if w.community_id == community_id]
    # Planners under agreement and its street office see the whole community; anyone
    # else only the decisions of the workshops they facilitate.
    whole = city.sees_whole_community(db, planner, community)
    shown = None if whole else [w.id for w in mine]
    context = {
        "planner": planner,
        "community": community,
        **inventory_views.section(db=db, community=community, planner=planner),
        "workshops": mine,
        "decisions": service.community_decisions(db=db, community=community, workshop_ids=shown),
        "changes": [],
        "can_update": {w.id for w in mine},
        "next_statuses": _next_statuses(),
        "today": date.today().isoformat(),
    }
    if whole or context["inventory_editable"]:  # who changed what: for those who may
        context["changes"] = city.changes_of(db, community)
    allow_online_tiles(request, community)
    return render(request, "followup/community.html", context)


@router.post("/follow-ups/{follow_up_id}")
def update_follow_up(
    request: Request,
    follow_up_id: RowId,
    planner: CurrentPlanner,
    db: DbSession,
    status: Annotated[str, Form(max_length=16)],
    on: Annotated[str, Form(max_length=10)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    follow_up = service.follow_up_by_id(db=db, follow_up_id=follow_up_id)
    workshop = db.get(Workshop, follow_up.workshop_id)
    if workshop is None or not is_facilitator(db=db, workshop=workshop, planner=planner):
        raise NotFound("followup.not_found")
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise Invalid("log.date_invalid") from None
    check_date(day)
    service.update(db=db, follow_up=follow_up, planner=planner, status=status, note=note, on=day)
    return go_to(request, f"/console/communities/{follow_up.community_id}#followup-{follow_up.id}")


@router.get("/workshops/{workshop_id}/_records_panel")
def records_panel(
    request: Request, workshop_id: int, planner: CurrentPlanner, db: DbSession
) -> Response:
    """The console's records panel: co-facilitators, and the record's state once closed."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None or not is_facilitator(db=db, workshop=workshop, planner=planner):
        raise NotFound("workshop.not_found")
    try:
        record = latest_record(db=db, workshop=workshop)
    except NotFound:
        record = None
    context = {
        "planner": planner,
        "workshop": workshop,
        "people": facilitators(db=db, workshop=workshop),
        "record": record,
        "is_lead": workshop.planner_id == planner.id,
        "earlier": service.community_followup(db=db, workshop=workshop),
    }
    return render(request, "assessments/_records_panel.html", context)
