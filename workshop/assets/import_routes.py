"""Planner pages to import existing assets from a GIS file: upload → map the fields of
each layer → preview on the map → import. Reading and checking is
workshop.assets.importing; the upload waits under <data_dir>/imports/ by a random token.

The flow is the same whether the assets go to a workshop (here) or to a community's
standing inventory (workshop.inventory.routes): each route names its `Target` and what
storing means, and the steps below do the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import folium
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from workshop.assets import importing
from workshop.assets.classes import ASSET_CLASSES, subtypes_for
from workshop.assets.importing import Checked, Layer, Mapping
from workshop.basemaps.config import base_map_of
from workshop.communities.models import Community
from workshop.deps import DbSession, PlannerWorkshop
from workshop.errors import Invalid
from workshop.geo import to_geojson
from workshop.i18n import t
from workshop.mapping.maps import allow_online_tiles, community_map, embed, to_display
from workshop.openapi import FORM, MULTIPART, request_body
from workshop.templating import go_to, render
from workshop.web import wants_json
from workshop.workshops.models import Workshop

router = APIRouter(prefix="/console/workshops/{workshop_id}/assets/import")
PROBLEMS_SHOWN = 50
LAYER_FIELD = r"^layer-[0-9]+-(class|subtype|name|description)$"


class UploadForm(BaseModel):
    """The upload step's form, read by receive_upload() (its part limit is the file
    limit, over Starlette's default)."""

    file: bytes = Field(description=".geojson, .json, .kml, .zip (Shapefiles) or .gpkg")


class MappingForm(BaseModel):
    """The mapping step's form, read by _mappings(): four fields per layer i of the file
    (`layer-<i>-class`, `-subtype`, `-name`, `-description`; see importing.Mapping).
    Layer 0 is named here, the others follow LAYER_FIELD. `do_import=1` imports;
    without it the form previews. `replace=on` (an inventory only) replaces what it holds."""

    model_config = ConfigDict(
        json_schema_extra={"patternProperties": {LAYER_FIELD: {"type": "string"}}}
    )

    layer_0_class: str = Field(
        "", alias="layer-0-class", description='a class, "field:<attribute>", or "" to skip'
    )
    layer_0_subtype: str = Field(
        "", alias="layer-0-subtype", description='a subtype, "field:<attribute>", or ""'
    )
    layer_0_name: str = Field("", alias="layer-0-name", description="the name's attribute")
    layer_0_description: str = Field(
        "", alias="layer-0-description", description='the description\'s attribute, or ""'
    )
    do_import: Literal["1"] | None = None
    replace: Literal["on"] | None = None


# Both bodies are read by hand below (the mapping's fields depend on the file's layers);
# declared for the schema and the fuzz test (tests/security/test_fuzz.py). The inventory's
# import routes (workshop.inventory.routes) declare the same.
UPLOAD_BODY = request_body({MULTIPART: UploadForm})
MAPPING_BODY = request_body({FORM: MappingForm})


@dataclass(frozen=True)
class Target:
    """Where an import goes, as the pages show it: a workshop or a community's inventory."""

    community: Community
    planner: Any  # the console header's account
    base: str  # the flow's URL
    back: str  # the page the planner came from
    back_label: str  # message key of the back link
    place: str  # shown beside the back link
    title: str = "asset_import.title"  # message key of the heading
    hint: str = "asset_import.hint"
    replace_option: bool = False  # the inventory may replace what it holds


def folder(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir) / "imports" / "assets"


def _workshop_target(workshop: Workshop) -> Target:
    return Target(
        community=workshop.community,
        planner=workshop.planner,
        base=f"/console/workshops/{workshop.id}/assets/import",
        back=f"/console/workshops/{workshop.id}",
        back_label="asset_import.back",
        place=workshop.community.name,
    )


def upload_step(request: Request, target: Target) -> Response:
    context = {"target": target, "planner": target.planner, "step": "upload", "map": None}
    return render(request, "assets/import.html", context)


async def receive_upload(request: Request, target: Target) -> Response:
    form = await request.form(max_part_size=importing.MAX_BYTES + 1024)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid("community.import.empty")
    data = await upload.read(importing.MAX_BYTES + 1)
    token = importing.store_upload(folder(request), upload.filename, data)
    path = importing.upload_path(folder(request), token)
    try:
        # A file that cannot be read is refused at once; GDAL reads off the event loop.
        await run_in_threadpool(importing.read_layers, path)
    except Invalid:
        importing.forget_upload(folder(request), token)
        raise
    return go_to(request, f"{target.base}/{token}")


def _mappings(form: Any, layers: list[Layer]) -> dict[str, Mapping]:
    out = {}
    for i, layer in enumerate(layers):

        def get(part: str, i: int = i) -> str:
            value = form.get(f"layer-{i}-{part}")
            return value if isinstance(value, str) else ""

        out[layer.name] = Mapping(
            asset_class=get("class"),
            subtype=get("subtype"),
            name=get("name"),
            description=get("description"),
        )
    return out


def _preview_map(community: Community, checked: Checked | None, layers: list[Layer]) -> Any:
    """The community map with the file's features: by class once mapped, grey before."""
    m = community_map(community)
    base = base_map_of(community.base_map)
    features = []
    if checked is not None:
        for _layer, fields in checked.assets:
            colour = ASSET_CLASSES[str(fields.asset_class)].colour
            features.append((fields.geometry, fields.name, colour))
    else:
        for layer in layers:
            for geom, _props in layer.features:
                if geom is not None and not geom.is_empty:
                    features.append((to_geojson(geom), layer.name, "#616161"))
    if features:
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": to_display(dict(geometry), base),  # type: ignore[call-overload]
                    "properties": {"name": name, "colour": colour},
                }
                for geometry, name, colour in features
            ],
        }
        folium.GeoJson(
            collection,
            name="import-preview",
            marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.8),
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": 3},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            control=False,
        ).add_to(m)
    return embed(m)


def _page(
    request: Request,
    target: Target,
    token: str,
    layers: list[Layer],
    mappings: dict[str, Mapping],
    checked: Checked | None = None,
    *,
    status: int = 200,
    error: str = "",
    replace: bool = False,
) -> Response:
    problems = [
        {"layer": p.layer, "n": p.n, "message": t(p.error.key, **p.error.params)}
        for p in (checked.problems if checked else [])
    ]
    counts: dict[str, int] = {}
    for layer_name, _fields in checked.assets if checked else []:
        counts[layer_name] = counts.get(layer_name, 0) + 1
    context = {
        "target": target,
        "planner": target.planner,
        "step": "preview" if checked is not None else "map",
        "action": f"{target.base}/{token}",
        "layers": layers,
        "refusals": {
            layer.name: t(layer.refused.key, **layer.refused.params)
            for layer in layers
            if layer.refused is not None
        },
        "mappings": mappings,
        "classes": list(ASSET_CLASSES),
        "subtypes": subtypes_for(target.community),
        "checked": checked,
        "counts": counts,
        "problems": problems[:PROBLEMS_SHOWN],
        "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
        "error": error,
        "replace": replace,
        "map": _preview_map(target.community, checked, layers),
    }
    allow_online_tiles(request, target.community)
    return render(request, "assets/import.html", context, status_code=status)


def mapping_step(request: Request, target: Target, token: str) -> Response:
    layers = importing.read_layers(importing.upload_path(folder(request), token))
    mappings = {layer.name: importing.guess_mapping(layer) for layer in layers}
    return _page(request, target, token, layers, mappings)


@dataclass(frozen=True)
class Upload:
    fmt: str  # GeoJSON, KML, Shapefile, GeoPackage
    filename: str  # as uploaded ("" when not known)


Store = Callable[[Checked, Upload, bool], int]  # (checked, upload, replace) -> count stored


async def preview_or_store(
    request: Request, target: Target, token: str, store: Store, done: Callable[[int], str]
) -> Response:
    """Preview the mapping posted; with `do_import`, store it all (or nothing) and go on."""
    path = importing.upload_path(folder(request), token)
    layers = await run_in_threadpool(importing.read_layers, path)  # off the event loop
    form = await request.form()
    mappings = _mappings(form, layers)
    replace = target.replace_option and form.get("replace") == "on"
    checked = await run_in_threadpool(importing.check_layers, target.community, layers, mappings)
    if form.get("do_import") != "1":
        return _page(request, target, token, layers, mappings, checked, replace=replace)
    fmt = importing.fmt_name(importing.FORMATS[path.suffix.lower()])
    upload = Upload(fmt, importing.upload_name(folder(request), token))
    try:
        count = await run_in_threadpool(store, checked, upload, replace)
    except Invalid as exc:
        if wants_json(request):
            raise  # an API client gets the usual JSON {"detail", "code"}
        message = t(exc.key, **exc.params)
        return _page(
            request, target, token, layers, mappings, checked,
            status=422, error=message, replace=replace,
        )  # fmt: skip
    importing.forget_upload(folder(request), token)
    return go_to(request, done(count))


# -- into a workshop -----------------------------------------------------------------------


@router.get("")
def upload_page(request: Request, workshop: PlannerWorkshop) -> Response:
    return upload_step(request, _workshop_target(workshop))


@router.post("", openapi_extra=UPLOAD_BODY)
async def upload(request: Request, workshop: PlannerWorkshop) -> Response:
    return await receive_upload(request, _workshop_target(workshop))


@router.get("/{token}")
def mapping_page(request: Request, workshop: PlannerWorkshop, token: str) -> Response:
    return mapping_step(request, _workshop_target(workshop), token)


@router.post("/{token}", openapi_extra=MAPPING_BODY)
async def preview_or_import(
    request: Request, workshop: PlannerWorkshop, db: DbSession, token: str
) -> Response:
    def store(checked: Checked, _upload: Upload, _replace: bool) -> int:
        return importing.import_assets(db=db, workshop=workshop, checked=checked)

    def done(count: int) -> str:
        return f"/console/workshops/{workshop.id}?imported={count}#assets-panel"

    return await preview_or_store(request, _workshop_target(workshop), token, store, done)
