"""Import existing assets (last year's survey, a GIS layer of facilities) into a workshop
or into a community's standing inventory (workshop.inventory.service.import_inventory).

Read with pyogrio (GDAL): GeoJSON, KML, a zipped Shapefile (each .shp in the zip is its
own layer) and a GeoPackage (each table its own layer). Every layer is listed by name
and either mapped on its own (its own fields to class, subtype, name, description) or
refused by name with the reason: attributes never mix across layers. Text encodings:
GeoJSON and dBASE files that are not UTF-8 but read as GB18030 (a superset of GBK) are
read so and the planner told; anything else is refused naming the encodings tried.
Z is dropped; any coordinate system pyproj knows is turned into WGS-84 lon/lat.

Each feature then passes the same checks as a tablet's pin (workshop.geo and the asset
service's field checks); an import stores all its features or none. No HTTP here.
"""

from __future__ import annotations

import json
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from workshop import geo
from workshop.assets.classes import ASSET_CLASSES, subtypes_for
from workshop.assets.models import Asset
from workshop.assets.service import AssetFields, _clean_fields
from workshop.communities.importing import dbf_records, text_encoding
from workshop.communities.models import Community
from workshop.errors import DomainError, Invalid
from workshop.i18n import label
from workshop.live.broker import announce
from workshop.workshops.models import Workshop

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_FEATURES = 5000
FORMATS = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".zip": "shapefile",
           ".gpkg": "gpkg"}  # fmt: skip
NAME_GUESSES = ("name", "名称", "名字", "title", "标题")
DESCRIPTION_GUESSES = ("description", "descr", "desc", "说明", "描述", "备注")
CLASS_GUESSES = ("asset_class", "class", "类别")
SUBTYPE_GUESSES = ("subtype", "细分类型", "类型")
SINGLE = {"MultiPoint": "Point", "MultiLineString": "LineString", "MultiPolygon": "Polygon"}
TOKEN_CHARS = frozenset("0123456789abcdef")
KEEP_SECONDS = 24 * 3600  # an upload waits a day for its mapping and import
NAME_KEPT = 120  # characters of the uploaded file's name kept for the record


@dataclass
class Layer:
    """One layer of an uploaded file: its own fields and features (lon/lat, 2D)."""

    name: str
    fields: list[str] = field(default_factory=list)
    features: list[tuple[BaseGeometry | None, dict[str, Any]]] = field(default_factory=list)
    encoding: str = "UTF-8"
    refused: DomainError | None = None  # why this layer cannot be imported


@dataclass(frozen=True)
class Mapping:
    """How one layer's fields become asset fields. `asset_class` is a class key, or
    "field:<name>" to read it per feature; "" means the planner skips the layer."""

    asset_class: str = ""
    subtype: str = ""  # "" none, "field:<name>", or a subtype of the class
    name: str = ""  # a field name (required)
    description: str = ""  # "" or a field name


@dataclass(frozen=True)
class Problem:
    layer: str
    n: int  # 1-based feature number within the layer
    error: DomainError


@dataclass
class Checked:
    """The features a mapping gives, checked; `problems` empty means importable."""

    assets: list[tuple[str, AssetFields]] = field(default_factory=list)  # (layer, fields)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# -- the uploaded file, kept between the steps ---------------------------------------------


def store_upload(folder: Path, filename: str, data: bytes) -> str:
    """Keep an upload under a random token (never the user's file name); return it."""
    if len(data) > MAX_BYTES:
        raise Invalid("community.import.too_big", limit=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise Invalid("community.import.empty")
    ext = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if ext not in FORMATS:
        raise Invalid("community.import.unknown_format", ext=(ext or filename)[:40])
    if FORMATS[ext] == "geojson":
        data = _utf8_geojson(data)
    folder.mkdir(parents=True, exist_ok=True)
    _forget_stale(folder)
    token = secrets.token_hex(16)
    (folder / f"{token}{ext}").write_bytes(data)
    # The user's file name is kept as text beside it (an inventory asset names its
    # source), never used as a path.
    (folder / f"{token}.name").write_text(_display_name(filename), encoding="utf-8")
    return token


def _display_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:NAME_KEPT]


def upload_name(folder: Path, token: str) -> str:
    """The file name the planner uploaded under `token` ("" when not known)."""
    path = upload_path(folder, token).with_suffix(".name")
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def forget_upload(folder: Path, token: str) -> None:
    """Delete an imported upload and its name."""
    path = upload_path(folder, token)
    path.with_suffix(".name").unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def _forget_stale(folder: Path) -> None:
    """Delete uploads left un-imported for more than KEEP_SECONDS (abandoned imports)."""
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def upload_path(folder: Path, token: str) -> Path:
    """The stored upload of a token, or Invalid (a stale or forged token)."""
    if len(token) != 32 or not set(token) <= TOKEN_CHARS:
        raise Invalid("asset_import.expired")
    for ext in FORMATS:
        path = folder / f"{token}{ext}"
        if path.is_file():
            return path
    raise Invalid("asset_import.expired")


def _utf8_geojson(data: bytes) -> bytes:
    """GeoJSON as UTF-8: GB18030/GBK text is re-encoded and marked, else refused."""
    try:
        data.decode("utf-8-sig")
        return data
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid("asset_import.encoding", tried="UTF-8, GBK/GB18030") from None
    doc = json.loads(text) if text.lstrip().startswith("{") else None
    if isinstance(doc, dict):
        doc["x_workshop_encoding"] = "GB18030"
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    raise Invalid("community.import.unparseable", fmt="GeoJSON")


# -- reading -------------------------------------------------------------------------------


def read_layers(path: Path) -> list[Layer]:
    """Every layer of a stored upload, read or refused by name."""
    fmt = FORMATS[path.suffix.lower()]
    if fmt == "shapefile":
        sources = _shapefiles(path)
    else:
        try:
            names = [str(n) for n, _kind in pyogrio.list_layers(path)]
        except Exception:  # pyogrio's DataSourceError and GDAL's own
            raise Invalid("community.import.unparseable", fmt=fmt_name(fmt)) from None
        # GDAL names a single-layer GeoJSON or KML after the file: here the random token.
        sources = [
            (fmt_name(fmt) if name == path.stem else name, str(path), name, "UTF-8")
            for name in names
        ]
    if not sources:
        raise Invalid("community.import.empty")
    layers = [_read(name, source, layer, encoding) for name, source, layer, encoding in sources]
    if fmt == "geojson" and _marked_gb18030(path):
        for layer in layers:  # re-encoded to UTF-8 on upload; the planner is told
            layer.encoding = "GB18030"
    total = sum(len(layer.features) for layer in layers)
    if total > MAX_FEATURES:
        raise Invalid("community.import.too_many_features", count=total, limit=MAX_FEATURES)
    return layers


def fmt_name(fmt: str) -> str:
    return {"geojson": "GeoJSON", "kml": "KML", "shapefile": "Shapefile", "gpkg": "GeoPackage"}[fmt]


def _marked_gb18030(path: Path) -> bool:
    with path.open("rb") as fh:
        return b'"x_workshop_encoding": "GB18030"' in fh.read()[-200:]


def _shapefiles(path: Path) -> list[tuple[str, str, str | None, str]]:
    """(layer name, GDAL path, None, encoding) for each .shp in a zip."""
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise Invalid("community.import.unparseable", fmt="ZIP") from None
    with archive:
        if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
            limit = MAX_UNZIPPED_BYTES // (1024 * 1024)
            raise Invalid("community.import.too_big", limit=limit)
        members = {i.filename.lower(): i.filename for i in infos}
        out: list[tuple[str, str, str | None, str]] = []
        for info in infos:
            name = info.filename
            if "__MACOSX" in name or not name.lower().endswith(".shp"):
                continue
            stem = name[:-4]
            dbf = members.get(stem.lower() + ".dbf")
            if dbf is None:
                raise Invalid("asset_import.no_dbf", layer=stem.rsplit("/", 1)[-1])
            encoding = _dbf_encoding(archive.read(dbf), stem.rsplit("/", 1)[-1])
            out.append((stem.rsplit("/", 1)[-1], f"/vsizip/{path}/{name}", None, encoding))
    if not out:
        raise Invalid("community.import.no_shp")
    return out


def _dbf_encoding(data: bytes, layer: str) -> str:
    """UTF-8 or GB18030, from the records' bytes (the header is binary)."""
    encoding = text_encoding(dbf_records(data))
    if encoding is None:
        raise Invalid("asset_import.layer_encoding", layer=layer, tried="UTF-8, GBK/GB18030")
    return "GB18030" if encoding == "gb18030" else "UTF-8"


def _read(name: str, source: str, layer: str | None, encoding: str) -> Layer:
    out = Layer(name=name, encoding=encoding)
    try:
        info = pyogrio.read_info(source, layer=layer, encoding=encoding)
        meta, _fids, geoms, values = pyogrio.raw.read(
            source, layer=layer, encoding=encoding, force_2d=True
        )
    except Exception:  # GDAL refuses the layer: name it, read the others
        out.refused = Invalid("asset_import.layer_unreadable", layer=name)
        return out
    if geoms is None or info.get("geometry_type") in (None, "None"):
        out.refused = Invalid("asset_import.layer_no_geometry", layer=name)
        return out
    out.fields = [str(f) for f in meta["fields"]]
    try:
        to_wgs84 = _transformer(info.get("crs"))
    except CRSError:
        out.refused = Invalid("asset_import.layer_crs", layer=name, crs=str(info.get("crs"))[:80])
        return out
    for i, wkb in enumerate(geoms):
        geom = shapely.from_wkb(wkb) if wkb is not None else None
        if geom is not None and to_wgs84 is not None:
            geom = shapely.transform(geom, to_wgs84, interleaved=False)
        props = {f: _plain(values[j][i]) for j, f in enumerate(out.fields)}
        out.features.append((geom, props))
    if not out.features:
        out.refused = Invalid("asset_import.layer_empty", layer=name)
    return out


def _transformer(crs: str | None):
    """A (x, y) -> (lon, lat) function for a layer's CRS; None when it is already WGS-84."""
    if not crs:
        return None
    source = CRS.from_user_input(crs)
    if (
        source.is_geographic
        and source.ellipsoid
        and source.ellipsoid.name
        in (
            "WGS 84",
            "CGCS2000",
            "GRS 1980",
        )
    ):
        return None  # WGS-84 and CGCS2000 agree within centimetres
    forward = Transformer.from_crs(source, CRS.from_epsg(4326), always_xy=True)
    return lambda x, y: forward.transform(x, y)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN: a null number
        return None
    return value


# -- mapping and checking ------------------------------------------------------------------


def guess_mapping(layer: Layer) -> Mapping:
    """A first mapping for the form: fields whose names look like name, class, …"""
    lower = {f.lower(): f for f in layer.fields}

    def pick(guesses: tuple[str, ...]) -> str:
        return next((lower[g] for g in guesses if g in lower), "")

    cls = pick(CLASS_GUESSES)
    sub = pick(SUBTYPE_GUESSES)
    return Mapping(
        asset_class=f"field:{cls}" if cls else "",
        subtype=f"field:{sub}" if sub else "",
        name=pick(NAME_GUESSES),
        description=pick(DESCRIPTION_GUESSES),
    )


def _value(props: dict[str, Any], name: str) -> str:
    value = props.get(name)
    return "" if value is None else str(value).strip()


def _class_of(value: str) -> str | None:
    for key in ASSET_CLASSES:
        name = label("asset_class", key)
        if value in (key, name, name.removesuffix("资产")):  # ecological, 生态资产, 生态
            return key
    return None


def _subtype_of(value: str, asset_class: str, offered: dict[str, list[str]]) -> str:
    for key in offered.get(asset_class, []):
        if value in (key, label("asset_subtype", key)):
            return key
    return value  # unknown: the field check names it


def _single(geom: BaseGeometry | None) -> BaseGeometry:
    if geom is None or geom.is_empty:
        raise Invalid("geo.empty")
    if geom.geom_type in SINGLE:
        if len(geom.geoms) != 1:
            raise Invalid("asset_import.multipart", type=geom.geom_type, parts=len(geom.geoms))
        geom = geom.geoms[0]
    if geom.geom_type not in geo.ASSET_GEOMETRY_TYPES:
        raise Invalid("geo.wrong_type", type=geom.geom_type[:40])
    return geom


def check_layers(
    community: Community, layers: list[Layer], mappings: dict[str, Mapping]
) -> Checked:
    """Apply each layer's mapping and check every feature as a tablet's pin is checked
    (inside the community's boundary, its subtypes): for a workshop of the community or
    for the community's standing inventory alike."""
    boundary = geo.parse_boundary(community.boundary)
    offered = subtypes_for(community)
    result = Checked()
    for layer in layers:
        mapping = mappings.get(layer.name, Mapping())
        if layer.refused is not None:
            result.problems.append(Problem(layer.name, 0, layer.refused))
            continue
        if not mapping.asset_class:
            result.skipped.append(layer.name)
            continue
        if mapping.name not in layer.fields:
            result.problems.append(
                Problem(layer.name, 0, Invalid("asset_import.name_field", layer=layer.name))
            )
            continue
        for n, (geom, props) in enumerate(layer.features, start=1):
            try:
                fields = _fields(mapping, geom, props, offered)
                asset_class, subtype, name, description = _clean_fields(community, fields, None)
                checked = geo.check_asset_geometry(fields.geometry, boundary)
            except DomainError as exc:
                result.problems.append(Problem(layer.name, n, exc))
                continue
            fields = AssetFields(
                asset_class=asset_class,
                subtype=subtype,
                name=name,
                description=description,
                geometry=geo.to_geojson(checked.geometry),
            )
            result.assets.append((layer.name, fields))
    return result


def _fields(
    mapping: Mapping, geom: BaseGeometry | None, props: dict[str, Any], offered: dict
) -> AssetFields:
    if mapping.asset_class.startswith("field:"):
        raw = _value(props, mapping.asset_class[6:])
        asset_class = _class_of(raw)
        if asset_class is None:
            raise Invalid("asset_import.unknown_class", value=raw[:40])
    else:
        asset_class = mapping.asset_class
    subtype = ""
    if mapping.subtype.startswith("field:"):
        raw = _value(props, mapping.subtype[6:])
        subtype = _subtype_of(raw, asset_class, offered) if raw else ""
    elif mapping.subtype:
        subtype = mapping.subtype
    single = _single(geom)
    return AssetFields(
        asset_class=asset_class,
        subtype=subtype,
        name=_value(props, mapping.name),
        description=_value(props, mapping.description) if mapping.description else "",
        geometry=geo.to_geojson(single),
    )


def import_assets(*, db: Session, workshop: Workshop, checked: Checked) -> int:
    """Store every checked asset (no contributor: the planner imported them); return count."""
    if workshop.stage == "closed":
        raise Invalid("asset_import.closed")
    if checked.problems:
        raise Invalid("asset_import.has_problems", count=len(checked.problems))
    if not checked.assets:
        raise Invalid("asset_import.nothing")
    for _layer, fields in checked.assets:
        db.add(
            Asset(
                workshop_id=workshop.id,
                participant_id=None,
                asset_class=fields.asset_class,
                subtype=fields.subtype or "",
                name=fields.name,
                description=fields.description or "",
                geometry=fields.geometry,
            )
        )
    db.flush()
    announce(db, workshop.id, "assets")
    return len(checked.assets)
