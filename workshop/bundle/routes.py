"""The console's bundles page: import, the list of imports with their signature state,
this instance's key fingerprint, and the trusted laptop keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from workshop.accounts import claims
from workshop.bundle import trust
from workshop.bundle.models import TrustedKey, WorkshopOrigin
from workshop.deps import CityAdmin, CurrentPlanner, DbSession
from workshop.templating import go_to, render
from workshop.workshops.models import Workshop

pages = APIRouter(prefix="/console/bundles")


@pages.get("")
def bundles_page(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    query = (
        select(WorkshopOrigin, Workshop.title)
        .join(Workshop, Workshop.id == WorkshopOrigin.workshop_id)
        .where(WorkshopOrigin.imported_at.is_not(None))
        .order_by(WorkshopOrigin.imported_at.desc())
    )
    if planner.role != "city_admin":  # a planner sees the imports that are theirs
        query = query.where(Workshop.planner_id == planner.id)
    imports = db.execute(query).all()
    shown = request.query_params.get("imported") or request.query_params.get("already")
    named = db.get(Workshop, int(shown)) if shown and shown.isdigit() else None
    if named is not None and named.planner_id != planner.id and planner.role != "city_admin":
        named = None
    context = {
        "planner": planner,
        "key": request.app.state.instance_key,
        "imports": imports,
        "trusted": list(db.scalars(select(TrustedKey).order_by(TrustedKey.enrolled_at))),
        "named": named,
        "already": bool(request.query_params.get("already")),
        # Co-facilitators the imports named: the importer hands each a claim link.
        "placeholders": claims.open_placeholders(
            db, importer=None if planner.role == "city_admin" else planner
        ),
    }
    return render(request, "bundle/bundles.html", context)


@pages.post("/keys")
def enrol_key(
    request: Request,
    planner: CityAdmin,
    db: DbSession,
    fingerprint: Annotated[str, Form(max_length=200)],
    label: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    # The city administrator decides which laptops the city trusts (docs/tamper-evidence.md).
    trust.enrol(db=db, by=planner, fingerprint=fingerprint, label=label)
    return go_to(request, "/console/bundles")


@pages.post("/keys/{key_id}/revoke")
def revoke_key(request: Request, key_id: int, planner: CityAdmin, db: DbSession) -> Response:
    trust.revoke(db=db, key_id=key_id)
    return go_to(request, "/console/bundles")
