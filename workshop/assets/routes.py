"""Asset routes: the tablet's form (htmx or plain post), the JSON API, photos, merging.

`/w/{code}/assets…` answer JSON when the request sends a JSON body or asks for JSON
(Accept: application/json); errors then come as {"detail", "code"}. A form post from the
tablet gets the htmx partial, or a 303 back to the tablet page.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from workshop.assets import classes, features, photos, service
from workshop.assets.models import Asset
from workshop.assets.service import AssetFields, SavedAsset
from workshop.city import service as city
from workshop.communities.service import can_edit
from workshop.deps import (
    CodeWorkshop,
    CurrentParticipant,
    CurrentPlanner,
    DbSession,
    PlannerWorkshop,
    RowId,
    photos_dir,
)
from workshop.errors import DomainError, Forbidden, Invalid
from workshop.i18n import t
from workshop.openapi import FORM, JSON, MULTIPART, request_body
from workshop.templating import go_to, is_htmx, render
from workshop.web import act, wants_json
from workshop.workshops.models import Participant, Workshop

router = APIRouter()
T = TypeVar("T")
TEXT_LIMIT = 4000  # characters per text field before the service's own limits
GEOMETRY_LIMIT = 400_000  # characters of GeoJSON text (2,000 vertices fit easily)


class AssetBody(BaseModel):
    """An asset as JSON: the geometry as GeoJSON, or `lon`/`lat` for a point."""

    asset_class: str | None = Field(None, max_length=TEXT_LIMIT)
    subtype: str | None = Field(None, max_length=TEXT_LIMIT)
    name: str | None = Field(None, max_length=TEXT_LIMIT)
    description: str | None = Field(None, max_length=TEXT_LIMIT)
    geometry: dict[str, Any] | str | None = None
    lon: float | None = None
    lat: float | None = None
    photo_consent: bool = False
    remove_photo: bool = False


class AssetForm(AssetBody):
    """The tablet's asset form: the geometry as GeoJSON text, an optional photo."""

    geometry: str | None = Field(None, max_length=GEOMETRY_LIMIT)
    photo: bytes | None = None


# The body is read by asset_input() below (a form or JSON); declared for the schema.
ASSET_BODY = request_body({MULTIPART: AssetForm, FORM: AssetForm, JSON: AssetBody})


class AssetInput:
    """The fields of an asset request, from a JSON body or a (multipart) form."""

    def __init__(
        self, fields: AssetFields, as_json: bool, error: DomainError | None = None
    ) -> None:
        self._fields = fields
        self.as_json = as_json
        self.error = error

    @property
    def fields(self) -> AssetFields:
        """The parsed fields; raises the parsing error (inside the route's handling)."""
        if self.error is not None:
            raise self.error
        return self._fields


def _text(value: Any, field: str = "") -> str | None:
    if value is None or isinstance(value, UploadFile):
        return None
    if not isinstance(value, str):  # a JSON object, list, number or bool: never str() it
        raise Invalid("field.wrong_type", field=field)
    text = value
    if len(text) > TEXT_LIMIT:
        raise Invalid("field.too_long", limit=TEXT_LIMIT)
    return text


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid("geo.point_missing") from None
    return number if math.isfinite(number) else None


async def asset_input(request: Request) -> AssetInput:
    """Parse the request body once; geometry from `geometry` (GeoJSON) or `lon`/`lat`."""
    try:
        return await _parse_input(request)
    except DomainError as exc:
        return AssetInput(AssetFields(), wants_json(request), exc)


async def _parse_input(request: Request) -> AssetInput:
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(await request.body())
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise Invalid("geo.not_geojson")
        photo = None
    else:
        form = await request.form(max_part_size=photos.MAX_BYTES + 1024)
        data = dict(form)
        upload = form.get("photo")
        photo = None
        if isinstance(upload, UploadFile) and upload.filename:
            photo = await upload.read(photos.MAX_BYTES + 1)
            if len(photo) > photos.MAX_BYTES:
                raise Invalid("photo.too_big", limit=photos.MAX_BYTES // (1024 * 1024))
    consent = str(data.get("photo_consent", "")).lower() in ("1", "true", "on")
    if photo and consent:
        # Decoded here, before the route's unit of work: a photo never holds the writer.
        photo = await photos.reencode_admitted(photo)
    geometry = data.get("geometry")
    if isinstance(geometry, str):
        if len(geometry) > GEOMETRY_LIMIT:
            raise Invalid("geo.too_many_vertices", count="> 2000", limit=2000)
        geometry = geometry.strip() or None
    if geometry is None and ("lon" in data or "lat" in data):
        lon, lat = _number(data.get("lon")), _number(data.get("lat"))
        if lon is not None or lat is not None:
            geometry = {"type": "Point", "coordinates": [lon, lat]}
            if lon is None or lat is None:
                raise Invalid("geo.point_missing")
    fields = AssetFields(
        asset_class=_text(data.get("asset_class"), "asset_class"),
        subtype=_text(data.get("subtype"), "subtype"),
        name=_text(data.get("name"), "name"),
        description=_text(data.get("description"), "description"),
        geometry=geometry,
        photo=photo or None,
        photo_ready=bool(photo and consent),
        photo_consent=consent,
        remove_photo=str(data.get("remove_photo", "")).lower() in ("1", "true", "on"),
    )
    return AssetInput(fields, wants_json(request))


Input = Annotated[AssetInput, Depends(asset_input)]


def _tablet_photo_url(workshop: Workshop):
    return lambda a: f"/w/{workshop.join_code}/assets/{a.id}/photo"


def _console_photo_url(workshop: Workshop):
    return lambda a: f"/console/workshops/{workshop.id}/assets/{a.id}/photo"


def _feature(
    db: DbSession, workshop: Workshop, asset: Asset, viewer: Participant, *, new: bool = False
) -> dict:
    """The asset as the tablet's map shows it. A `new` asset has no +1s and no other
    contributors yet: nothing to count."""
    stats = (
        features.AssetStats({}, {}, frozenset())
        if new
        else features.asset_stats(db=db, workshop=workshop, viewer=viewer, only=[asset.id])
    )
    collection = features.feature_collection(
        [asset], stats=stats, viewer=viewer, photo_url=_tablet_photo_url(workshop)
    )
    return collection["features"][0]


def _saved(
    request: Request,
    db: DbSession,
    workshop: Workshop,
    participant: Participant,
    body: AssetInput,
    change: Callable[..., SavedAsset],
    done: str,
    status_code: int = 200,
    **target: int,
) -> Response:
    """Add or change an asset with the posted fields; answer its feature (JSON) or a
    message (`done`, or the repaired-geometry one)."""

    def action() -> SavedAsset:
        return change(
            db=db,
            workshop=workshop,
            participant=participant,
            fields=body.fields,
            photos_dir=photos_dir(request),
            **target,
        )

    def message(saved: SavedAsset) -> str:
        return t("assets.saved_repaired" if saved.repaired else done, name=saved.asset.name)

    def as_json(saved: SavedAsset) -> dict[str, Any]:
        feature = _feature(db, workshop, saved.asset, participant, new=not target)
        return {"asset": feature, "repaired": saved.repaired, "message": message(saved)}

    return act(
        request,
        action,
        partial="assets/_saved.html",
        context=lambda saved: {"message": message(saved), "repaired": saved.repaired},
        json=as_json,
        back=f"/w/{workshop.join_code}",
        status_code=status_code,
    )


@router.post("/w/{code}/assets", openapi_extra=ASSET_BODY)
def add_asset(
    request: Request,
    body: Input,  # first: the body (and its photo) is ready before the unit of work opens
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
) -> Response:
    return _saved(
        request, db, workshop, participant, body,
        service.add_asset, done="tablet.asset_saved", status_code=201,
    )  # fmt: skip


@router.post("/w/{code}/assets/{asset_id}", openapi_extra=ASSET_BODY)
def edit_asset(
    request: Request,
    body: Input,  # first: the body (and its photo) is ready before the unit of work opens
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    asset_id: RowId,
) -> Response:
    return _saved(
        request, db, workshop, participant, body,
        service.update_asset, done="assets.updated", asset_id=asset_id,
    )  # fmt: skip


def _tap(
    request: Request,
    workshop: Workshop,
    action: Callable[[], T],
    text: Callable[[T], str],
    json: Callable[[T], dict[str, Any]],
) -> Response:
    """Answer a tap on an asset (delete, +1): a one-line message (htmx) or `json(result)`."""
    return act(
        request,
        action,
        partial="assets/_saved.html",
        context=lambda result: {"message": text(result)},
        json=json,
        back=f"/w/{workshop.join_code}",
    )


@router.post("/w/{code}/assets/{asset_id}/delete")
def remove_asset(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    asset_id: RowId,
) -> Response:
    def action() -> None:
        service.delete_asset(db=db, workshop=workshop, participant=participant, asset_id=asset_id)

    return _tap(
        request,
        workshop,
        action,
        text=lambda _none: t("assets.deleted"),
        json=lambda _none: {"deleted": asset_id, "message": t("assets.deleted")},
    )


def _support(
    request: Request,
    db: DbSession,
    workshop: Workshop,
    participant: Participant,
    asset_id: int,
    withdraw: bool,
) -> Response:
    """Give +1 or take it back; either answers the new count."""
    change = service.withdraw_support if withdraw else service.support_asset
    return _tap(
        request,
        workshop,
        lambda: change(db=db, workshop=workshop, participant=participant, asset_id=asset_id),
        text=lambda count: t("assets.supports", count=count),
        json=lambda count: {"asset": asset_id, "supports": count, "supported": not withdraw},
    )


@router.post("/w/{code}/assets/{asset_id}/support")
def plus_one(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    asset_id: RowId,
) -> Response:
    return _support(request, db, workshop, participant, asset_id, withdraw=False)


@router.post("/w/{code}/assets/{asset_id}/support/withdraw")
def withdraw_plus_one(
    request: Request,
    workshop: CodeWorkshop,
    participant: CurrentParticipant,
    db: DbSession,
    asset_id: RowId,
) -> Response:
    """Take back one's own +1 (only one's own: the row is looked up by participant)."""
    return _support(request, db, workshop, participant, asset_id, withdraw=True)


GZIP_FROM = 16 * 1024  # bytes; smaller feeds go as they are


def _geojson(request: Request, payload: dict) -> Response:
    """The feed as GeoJSON, gzipped when large and the client accepts it.

    Compressed here, not by middleware: GZip middleware would break the SSE streams.
    5,000 mixed assets are ~1.9 MB of JSON and ~0.3 MB gzipped.
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Cache-Control": "no-store", "Vary": "Accept-Encoding"}
    if len(body) >= GZIP_FROM and "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, compresslevel=5)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/geo+json", headers=headers)


@router.get("/w/{code}/assets.geojson")
def tablet_assets(
    request: Request, workshop: CodeWorkshop, participant: CurrentParticipant, db: DbSession
) -> Response:
    stats = features.asset_stats(db=db, workshop=workshop, viewer=participant)
    return _geojson(
        request,
        features.feature_collection(
            features.assets_of(db=db, workshop=workshop),
            stats=stats,
            viewer=participant,
            photo_url=_tablet_photo_url(workshop),
        ),
    )


@router.get("/console/workshops/{workshop_id}/assets.geojson")
def console_assets(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    stats = features.asset_stats(db=db, workshop=workshop)
    return _geojson(
        request,
        features.feature_collection(
            features.assets_of(db=db, workshop=workshop),
            stats=stats,
            photo_url=_console_photo_url(workshop),
        ),
    )


def _photo_response(path: Path) -> Response:
    return FileResponse(
        path,
        media_type="image/jpeg",
        headers={"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"},
    )


@router.get("/w/{code}/assets/{asset_id}/photo")
def tablet_photo(
    request: Request,
    workshop: CodeWorkshop,
    _who: CurrentParticipant,
    db: DbSession,
    asset_id: RowId,
) -> Response:
    path = service.photo_of(
        db=db, workshop=workshop, asset_id=asset_id, photos_dir=photos_dir(request)
    )
    return _photo_response(path)


@router.get("/console/workshops/{workshop_id}/assets/{asset_id}/photo")
def console_photo(
    request: Request, workshop: PlannerWorkshop, db: DbSession, asset_id: RowId
) -> Response:
    path = service.photo_of(
        db=db, workshop=workshop, asset_id=asset_id, photos_dir=photos_dir(request)
    )
    return _photo_response(path)


def _panel(request: Request, db: DbSession, workshop: Workshop, **extra: Any) -> Response:
    context = {
        "workshop": workshop,
        "asset_rows": features.assets_by_class(db=db, workshop=workshop),
        "asset_classes": classes.ASSET_CLASSES,
        "asset_subtypes": classes.subtypes_for(workshop.community),
        "hidden_assets": features.assets_of(db=db, workshop=workshop, hidden=True),
        **extra,
    }
    return render(request, "assets/_console_assets.html", context)


def _console_answer(
    request: Request, db: DbSession, workshop: Workshop, body: dict[str, Any], **extra: Any
) -> Response:
    """A console change: JSON clients get `body`, htmx the panel again, a form goes back."""
    if wants_json(request):
        return JSONResponse(body)
    if is_htmx(request):
        return _panel(request, db, workshop, **extra)
    return go_to(request, f"/console/workshops/{workshop.id}#assets-panel")


@router.get("/console/workshops/{workshop_id}/assets/_panel")
def console_panel(request: Request, workshop: PlannerWorkshop, db: DbSession) -> Response:
    return _panel(request, db, workshop)


@router.post("/console/workshops/{workshop_id}/assets/{keep_id}/merge")
def merge(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    keep_id: RowId,
    other_id: Annotated[int, Form()],
) -> Response:
    service.merge_assets(db=db, workshop=workshop, keep_id=keep_id, other_id=other_id)
    return _console_answer(
        request, db, workshop, {"kept": keep_id, "merged": other_id}, merged=True
    )


@router.post("/console/workshops/{workshop_id}/assets/subtypes")
def set_subtypes(
    request: Request,
    workshop: PlannerWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    ecological: Annotated[str, Form(max_length=2000)] = "",
    cultural: Annotated[str, Form(max_length=2000)] = "",
    social: Annotated[str, Form(max_length=2000)] = "",
    human: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    lines = {"ecological": ecological, "cultural": cultural, "social": social, "human": human}
    if not can_edit(db=db, community=workshop.community, planner=planner):
        raise Forbidden("community.not_editable")  # the community's, not the workshop's
    before = workshop.community.asset_subtypes
    subtypes = classes.set_subtypes(db=db, community=workshop.community, lines=lines)
    if workshop.community.asset_subtypes != before:
        city.log(db, planner, "community.subtypes", community_id=workshop.community_id)
    return _console_answer(request, db, workshop, {"subtypes": subtypes}, subtypes_saved=True)


@router.post("/console/workshops/{workshop_id}/assets/{asset_id}/hide")
def hide(
    request: Request,
    workshop: PlannerWorkshop,
    db: DbSession,
    asset_id: RowId,
    hidden: Annotated[bool, Form()] = True,
) -> Response:
    service.set_hidden(db=db, workshop=workshop, asset_id=asset_id, hidden=hidden)
    return _console_answer(request, db, workshop, {"asset": asset_id, "hidden": hidden})
