"""The planner's analysis page and its coverage-gap layers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from workshop.analysis import coverage, measures
from workshop.analysis.service import analysis_with_names, gaps_feature_collection
from workshop.assets.classes import ASSET_CLASSES
from workshop.deps import CurrentPlanner, DbSession, PlannerWorkshop
from workshop.mapping.maps import allow_online_tiles, community_map, embed
from workshop.templating import render

router = APIRouter(prefix="/console/workshops/{workshop_id}/analysis")


@router.get("")
def analysis_page(
    request: Request, workshop: PlannerWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    result, names = analysis_with_names(db=db, workshop=workshop)
    context = {
        "planner": planner,
        "workshop": workshop,
        "analysis": result,
        "names": names,
        "asset_classes": ASSET_CLASSES,
        "radii": coverage.RADII_M,
        "shares": {(r["asset_class"], r["radius_m"]): r["share"] for r in result.coverage},
        "duplicate_distance": round(measures.DUPLICATE_DISTANCE_M),
        "name_similarity": measures.NAME_SIMILARITY,
        "cluster_eps": round(measures.CLUSTER_EPS_M),
        "cluster_min": measures.CLUSTER_MIN_SIZE,
        "map": embed(community_map(workshop.community)),
    }
    allow_online_tiles(request, workshop.community)
    return render(request, "analysis/analysis.html", context)


@router.get("/gaps.geojson")
def gaps(
    workshop: PlannerWorkshop,
    db: DbSession,
    asset_class: Annotated[str, Query(max_length=16)],
    radius: Annotated[int, Query()],
) -> Response:
    collection = gaps_feature_collection(
        db=db, workshop=workshop, asset_class=asset_class, radius_m=radius
    )
    return JSONResponse(
        collection, media_type="application/geo+json", headers={"Cache-Control": "no-store"}
    )
