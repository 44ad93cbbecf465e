"""Planner pages to import existing assets from a GIS file: upload → map the fields of
each layer → preview on the map → import. Reading and checking is
workshop.assets.importing; the upload waits under <data_dir>/imports/ by a random token."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import folium
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from workshop.assets import importing
from workshop.assets.importing import Checked, Layer, Mapping
from workshop.assets.service import ASSET_CLASSES, subtypes_for
from workshop.basemaps.config import base_map_of
from workshop.deps import DbSession, PlannerWorkshop
from workshop.errors import Invalid
from workshop.geo import to_geojson
from workshop.i18n import t
from workshop.mapping.maps import community_map, embed, to_display
from workshop.openapi import FORM, MULTIPART, request_body
from workshop.templating import go_to, render
from workshop.web import wants_json
from workshop.workshops.models import Workshop

router = APIRouter(prefix="/console/workshops/{workshop_id}/assets/import")
PROBLEMS_SHOWN = 50
LAYER_FIELD = r"^layer-[0-9]+-(class|subtype|name|description)$"


class UploadForm(BaseModel):
    """The upload step's form, read by upload() (its part limit is the file limit)."""

    file: bytes = Field(description=".geojson, .json, .kml or .zip (a zipped Shapefile)")


class MappingForm(BaseModel):
    """The mapping step's form, read by _mappings(): four fields per layer i of the file
    (`layer-<i>-class`, `-subtype`, `-name`, `-description`; see importing.Mapping).
    Layer 0 is named here, the others follow LAYER_FIELD. `do_import=1` imports;
    without it the form previews."""

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


# Both bodies are read by hand below (the mapping's fields depend on the file's layers);
# declared for the schema and the fuzz test (tests/security/test_fuzz.py).
UPLOAD_BODY = request_body({MULTIPART: UploadForm})
MAPPING_BODY = request_body({FORM: MappingForm})


def _folder(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir) / "imports" / "assets"


def _base(workshop: Workshop) -> str:
    return f"/console/workshops/{workshop.id}/assets/import"


@router.get("")
def upload_page(request: Request, workshop: PlannerWorkshop) -> Response:
    context = {"workshop": workshop, "planner": workshop.planner, "step": "upload", "map": None}
    return render(request, "assets/import.html", context)


@router.post("", openapi_extra=UPLOAD_BODY)
async def upload(request: Request, workshop: PlannerWorkshop) -> Response:
    form = await request.form(max_part_size=importing.MAX_BYTES + 1024)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid("community.import.empty")
    data = await upload.read(importing.MAX_BYTES + 1)
    token = importing.store_upload(_folder(request), upload.filename, data)
    path = importing.upload_path(_folder(request), token)
    try:
        # A file that cannot be read is refused at once; GDAL reads off the event loop.
        await run_in_threadpool(importing.read_layers, path)
    except Invalid:
        path.unlink(missing_ok=True)
        raise
    return go_to(request, f"{_base(workshop)}/{token}")


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


def _preview_map(workshop: Workshop, checked: Checked | None, layers: list[Layer]) -> Any:
    """The community map with the file's features: by class once mapped, grey before."""
    m = community_map(workshop.community)
    base = base_map_of(workshop.community.base_map)
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
    workshop: Workshop,
    token: str,
    layers: list[Layer],
    mappings: dict[str, Mapping],
    checked: Checked | None = None,
    *,
    status: int = 200,
    error: str = "",
) -> Response:
    problems = [
        {"layer": p.layer, "n": p.n, "message": t(p.error.key, **p.error.params)}
        for p in (checked.problems if checked else [])
    ]
    counts: dict[str, int] = {}
    for layer_name, _fields in checked.assets if checked else []:
        counts[layer_name] = counts.get(layer_name, 0) + 1
    context = {
        "workshop": workshop,
        "planner": workshop.planner,
        "step": "preview" if checked is not None else "map",
        "action": f"{_base(workshop)}/{token}",
        "layers": layers,
        "refusals": {
            layer.name: t(layer.refused.key, **layer.refused.params)
            for layer in layers
            if layer.refused is not None
        },
        "mappings": mappings,
        "classes": list(ASSET_CLASSES),
        "subtypes": subtypes_for(workshop.community),
        "checked": checked,
        "counts": counts,
        "problems": problems[:PROBLEMS_SHOWN],
        "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
        "error": error,
        "map": _preview_map(workshop, checked, layers),
    }
    return render(request, "assets/import.html", context, status_code=status)


@router.get("/{token}")
def mapping_page(request: Request, workshop: PlannerWorkshop, token: str) -> Response:
    layers = importing.read_layers(importing.upload_path(_folder(request), token))
    mappings = {layer.name: importing.guess_mapping(layer) for layer in layers}
    return _page(request, workshop, token, layers, mappings)


@router.post("/{token}", openapi_extra=MAPPING_BODY)
async def preview_or_import(
    request: Request, workshop: PlannerWorkshop, db: DbSession, token: str
) -> Response:
    path = importing.upload_path(_folder(request), token)
    layers = await run_in_threadpool(importing.read_layers, path)  # off the event loop
    form = await request.form()
    mappings = _mappings(form, layers)
    checked = await run_in_threadpool(importing.check_layers, workshop, layers, mappings)
    if form.get("do_import") != "1":
        return _page(request, workshop, token, layers, mappings, checked)
    try:
        count = await run_in_threadpool(
            lambda: importing.import_assets(db=db, workshop=workshop, checked=checked)
        )
    except Invalid as exc:
        if wants_json(request):
            raise  # an API client gets the usual JSON {"detail", "code"}
        message = t(exc.key, **exc.params)
        return _page(request, workshop, token, layers, mappings, checked, status=422, error=message)
    path.unlink(missing_ok=True)
    return go_to(request, f"/console/workshops/{workshop.id}?imported={count}#assets-panel")
