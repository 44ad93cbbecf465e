from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from workshop.assets.service import assets_of, feature_collection, pin_asset
from workshop.deps import CodeWorkshop, CurrentParticipant, DbSession, PlannerWorkshop
from workshop.templating import partial_or_back
from workshop.workshops.models import Workshop

router = APIRouter()


@router.post("/w/{code}/assets")
def add_asset(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    asset_class: Annotated[str, Form(max_length=16)],
    name: Annotated[str, Form(max_length=200)],
    lon: Annotated[float | None, Form()] = None,
    lat: Annotated[float | None, Form()] = None,
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    asset = pin_asset(
        db=db,
        workshop=workshop,
        participant=participant,
        asset_class=asset_class,
        name=name,
        lon=lon,
        lat=lat,
        description=description,
    )
    return partial_or_back(
        request,
        "assets/_saved.html",
        {"asset": asset},
        back=f"/w/{workshop.join_code}",
        status_code=201,
    )


def _geojson(db: DbSession, workshop: Workshop) -> Response:
    return JSONResponse(
        feature_collection(assets_of(db=db, workshop=workshop)),
        media_type="application/geo+json",
        headers={"Cache-Control": "no-store"},
    )


@router.get("/w/{code}/assets.geojson")
def tablet_assets(workshop: CodeWorkshop, _who: CurrentParticipant, db: DbSession) -> Response:
    return _geojson(db, workshop)


@router.get("/console/workshops/{workshop_id}/assets.geojson")
def console_assets(workshop: PlannerWorkshop, db: DbSession) -> Response:
    return _geojson(db, workshop)
