"""GIS downloads of a workshop's assets (planner only; anonymous like the other exports).

Beside the GeoJSON/CSV/XLSX exports of workshop.reports.routes, under the same URLs."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from workshop.assessments.deps import FacilitatedWorkshop
from workshop.deps import DbSession
from workshop.exports import gis

router = APIRouter(prefix="/console/workshops/{workshop_id}/export")


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/assets.gpkg")
def assets_gpkg(workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    return _download(
        gis.assets_gpkg(db, workshop),
        "application/geopackage+sqlite3",
        f"workshop-{workshop.id}-assets.gpkg",
    )


@router.get("/assets.shp.zip")
def assets_shapefiles(workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    stem = f"workshop-{workshop.id}-assets"
    return _download(
        gis.assets_shapefile_zip(db, workshop, stem), "application/zip", f"{stem}.shp.zip"
    )
