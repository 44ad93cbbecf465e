"""Console pages to create and edit a community: details, boundary (drawn or uploaded)
and base layers. Thin: reading and checking files is workshop.communities.importing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from workshop.communities import importing, service
from workshop.communities.models import Community
from workshop.deps import CurrentPlanner, DbSession, RowId
from workshop.errors import Invalid
from workshop.i18n import t
from workshop.openapi import MULTIPART, request_body
from workshop.templating import go_to, is_htmx, render
from workshop.web import wants_json

router = APIRouter(prefix="/console/communities")
TEXT_LIMIT = 100


class CommunityForm(BaseModel):
    """The community form: details, a drawn or uploaded boundary, base layers.

    Read by _save() (the drawn boundary may exceed Starlette's 1 MB part limit that
    FastAPI's Form() parameters use); declared here for the schema.
    """

    name: str = Field(max_length=TEXT_LIMIT)
    district: str = Field("", max_length=TEXT_LIMIT)
    street: str = Field("", max_length=TEXT_LIMIT)
    boundary: str = Field("", description="GeoJSON drawn on the map")
    boundary_file: bytes | None = Field(None, description=".geojson, .json, .kml or .zip")
    layers_file: bytes | None = Field(None, description=".geojson, .json, .kml or .zip")
    layers_kind: str | None = Field(None, max_length=16)
    replace_layers: str | None = Field(None, description='"on" replaces the base layers')


COMMUNITY_BODY = request_body({MULTIPART: CommunityForm})


def _text(form: Any, name: str, limit: int = TEXT_LIMIT) -> str:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return ""
    text = str(value)
    if len(text) > limit:
        raise Invalid("field.too_long", limit=limit)
    return text


async def _upload(form: Any, name: str) -> service.Upload | None:
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read(importing.MAX_BYTES + 1)
    if len(data) > importing.MAX_BYTES:
        raise Invalid("community.import.too_big", limit=importing.MAX_BYTES // (1024 * 1024))
    return service.Upload(filename=value.filename, data=data)


def _page(
    request: Request, planner: Any, community: Community | None, *, error: str = "", status=200
) -> Response:
    context = {
        "planner": planner,
        "community": community,
        "kinds": importing.BASE_KINDS,
        "error": error,
        "layer_count": len(((community and community.base_layers) or {}).get("features", [])),
    }
    if error and is_htmx(request):
        return render(request, "communities/_error.html", context, status_code=status)
    return render(request, "communities/edit.html", context, status_code=status)


async def _save(request: Request, planner: Any, db: Any, community: Community | None) -> Response:
    form = await request.form(max_part_size=importing.MAX_BYTES + 1024)
    try:
        saved = service.save_community(
            db=db,
            planner=planner,
            community=community,
            name=_text(form, "name"),
            district=_text(form, "district"),
            street=_text(form, "street"),
            drawn=_text(form, "boundary", limit=importing.MAX_BYTES),
            boundary_file=await _upload(form, "boundary_file"),
            layers_file=await _upload(form, "layers_file"),
            layers_kind=_text(form, "layers_kind", limit=16) or None,
            replace_layers=_text(form, "replace_layers") == "on",
        )
    except Invalid as exc:
        db.rollback()
        if wants_json(request):
            raise  # an API client gets the usual JSON {"detail", "code"}
        if community is not None:
            db.refresh(community)
        message = t(exc.key, **exc.params)
        return _page(request, planner, community, error=message, status=exc.status_code)
    return go_to(request, f"/console/communities/{saved.id}/edit?saved=1")


@router.get("/new")
def new_community(request: Request, planner: CurrentPlanner) -> Response:
    return _page(request, planner, None)


@router.post("/new", openapi_extra=COMMUNITY_BODY)
async def create_community(request: Request, planner: CurrentPlanner, db: DbSession) -> Response:
    return await _save(request, planner, db, None)


@router.get("/{community_id}/edit")
def edit_community(
    request: Request, community_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = service.editable_community(db=db, community_id=community_id, planner=planner)
    return _page(request, planner, community)


@router.post("/{community_id}/edit", openapi_extra=COMMUNITY_BODY)
async def update_community(
    request: Request, community_id: RowId, planner: CurrentPlanner, db: DbSession
) -> Response:
    community = service.editable_community(db=db, community_id=community_id, planner=planner)
    return await _save(request, planner, db, community)
