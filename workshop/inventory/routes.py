"""Console pages of a community's standing inventory (社区资产底册): the GIS import
(the workshop import's steps, workshop.assets.import_routes), removing an asset, and the
exports. Importing and removing are for those who may edit the community; the exports
for the community page's readers. Thin: the rules are workshop.inventory.service."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from workshop.accounts.models import Planner
from workshop.assets.import_routes import (
    MAPPING_BODY,
    UPLOAD_BODY,
    Target,
    Upload,
    mapping_step,
    preview_or_store,
    receive_upload,
    upload_step,
)
from workshop.assets.importing import Checked
from workshop.communities.models import Community
from workshop.communities.service import editable_community
from workshop.deps import CurrentPlanner, DbSession, RowId
from workshop.exports import gis
from workshop.exports.service import asset_rows, asset_rows_geojson, table_csv
from workshop.inventory import service
from workshop.templating import go_to

router = APIRouter(prefix="/console/communities/{community_id}")
PAGE = "/console/communities/{id}"


def _target(community: Community, planner: Planner) -> Target:
    page = PAGE.format(id=community.id)
    return Target(
        community=community,
        planner=planner,
        base=f"{page}/inventory/import",
        back=f"{page}#inventory",
        back_label="inventory.back",
        place=community.name,
        title="inventory.import_title",
        hint="inventory.import_hint",
        replace_option=True,
    )


@router.get("/inventory/import")
def upload_page(
    request: Request, community_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = editable_community(db=db, community_id=community_id, planner=planner)
    return upload_step(request, _target(community, planner))


@router.post("/inventory/import", openapi_extra=UPLOAD_BODY)
async def upload(
    request: Request, community_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = await run_in_threadpool(
        lambda: editable_community(db=db, community_id=community_id, planner=planner)
    )
    return await receive_upload(request, _target(community, planner))


@router.get("/inventory/import/{token}")
def mapping_page(
    request: Request, community_id: RowId, token: str, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = editable_community(db=db, community_id=community_id, planner=planner)
    return mapping_step(request, _target(community, planner), token)


@router.post("/inventory/import/{token}", openapi_extra=MAPPING_BODY)
async def preview_or_import(
    request: Request, community_id: RowId, token: str, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = await run_in_threadpool(
        lambda: editable_community(db=db, community_id=community_id, planner=planner)
    )

    def store(checked: Checked, upload: Upload, replace: bool) -> int:
        return service.import_inventory(
            db=db,
            community=community,
            planner=planner,
            checked=checked,
            fmt=upload.fmt,
            filename=upload.filename,
            replace=replace,
        )

    def done(count: int) -> str:
        return f"{PAGE.format(id=community.id)}?imported={count}#inventory"

    return await preview_or_store(request, _target(community, planner), token, store, done)


@router.post("/inventory/{item_id}/remove")
def remove(
    request: Request, community_id: RowId, item_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = editable_community(db=db, community_id=community_id, planner=planner)
    service.remove_item(db=db, community=community, planner=planner, item_id=item_id)
    return go_to(request, f"{PAGE.format(id=community.id)}?removed=1#inventory")


# -- exports (anonymous by construction: no person is in the inventory) --------------------


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _items(db: DbSession, community_id: int, planner: Planner) -> list:
    community = service.visible_community(db=db, community_id=community_id, planner=planner)
    return service.inventory_of(db=db, community=community)


@router.get("/inventory.geojson")
def export_geojson(community_id: RowId, planner: CurrentPlanner, db: DbSession) -> Response:
    rows = asset_rows(_items(db, community_id, planner))
    body = json.dumps(asset_rows_geojson(rows), ensure_ascii=False).encode("utf-8")
    name = f"community-{community_id}-inventory.geojson"
    return _download(body, "application/geo+json", name)


@router.get("/inventory.csv")
def export_csv(community_id: RowId, planner: CurrentPlanner, db: DbSession) -> Response:
    rows = asset_rows(_items(db, community_id, planner))
    name = f"community-{community_id}-inventory.csv"
    return _download(table_csv(rows, "assets"), "text/csv; charset=utf-8", name)


@router.get("/inventory.gpkg")
def export_gpkg(community_id: RowId, planner: CurrentPlanner, db: DbSession) -> Response:
    rows = gis.layer_rows(_items(db, community_id, planner), {})
    name = f"community-{community_id}-inventory.gpkg"
    return _download(gis.gpkg_of(rows), "application/geopackage+sqlite3", name)


@router.get("/inventory.shp.zip")
def export_shapefiles(community_id: RowId, planner: CurrentPlanner, db: DbSession) -> Response:
    stem = f"community-{community_id}-inventory"
    rows = gis.layer_rows(_items(db, community_id, planner), {})
    return _download(gis.shapefile_zip_of(rows, stem), "application/zip", f"{stem}.shp.zip")
