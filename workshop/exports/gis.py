"""The workshop's assets for GIS users: a GeoPackage and a zipped set of Shapefiles.

Written with pyogrio (GDAL). Both formats hold one geometry type per layer, so the
assets go out as three layers, `points`, `lines` and `polygons`, always all three (an
empty layer keeps the schema a GIS user builds on). WGS-84 (EPSG:4326), lon/lat.

- GeoPackage: UTF-8 text, `created_at` typed DateTime in UTC (the GeoPackage standard
  stores date-times in UTC; QGIS shows them in local time), whole descriptions.
- Shapefile: one .shp/.shx/.dbf/.prj/.cpg set per layer, `.cpg` says UTF-8; dBASE has no
  date-time type and field names of at most 10 characters, so `created` is China time as
  ISO text and long texts are cut at 254 bytes (at a character boundary, marked "…").
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import shapely
from shapely.geometry import shape
from shapely.geometry.polygon import orient
from sqlalchemy.orm import Session

from workshop.assets.features import asset_stats, assets_of
from workshop.i18n import label
from workshop.workshops.models import Workshop

CHINA = timezone(timedelta(hours=8))
CRS = "EPSG:4326"
# (layer name, its one geometry type)
LAYERS = (("points", "Point"), ("lines", "LineString"), ("polygons", "Polygon"))
DBF_TEXT_BYTES = 254


@dataclass(frozen=True)
class Column:
    """One attribute: its GeoPackage name, its Shapefile name (<= 10), its kind."""

    name: str
    shp_name: str
    kind: str  # "int", "text" or "datetime"


COLUMNS = (
    Column("asset_id", "asset_id", "int"),
    Column("asset_class", "class", "text"),
    Column("class_label", "class_lbl", "text"),
    Column("subtype", "subtype", "text"),
    Column("subtype_label", "subtyp_lbl", "text"),
    Column("name", "name", "text"),
    Column("description", "descr", "text"),
    Column("supports", "supports", "int"),
    Column("created_at", "created", "datetime"),
)


def _rows(db: Session, workshop: Workshop) -> dict[str, list[dict]]:
    """The visible assets per layer, each a dict of column name -> value plus `_wkb`."""
    stats = asset_stats(db=db, workshop=workshop)
    return layer_rows(assets_of(db=db, workshop=workshop), stats.supports)


def layer_rows(assets: Iterable[Any], supports: dict[int, int]) -> dict[str, list[dict]]:
    """Rows per layer for any assets with the shared fields (a workshop's, or a
    community's standing inventory, which has no +1s: `supports` empty)."""
    by_type = {kind: layer for layer, kind in LAYERS}
    out: dict[str, list[dict]] = {layer: [] for layer, _ in LAYERS}
    for a in assets:
        geom = shape(a.geometry)
        if geom.geom_type == "Polygon":
            geom = orient(geom, 1.0)
        layer = by_type.get(geom.geom_type)
        if layer is None:  # assets are Point, LineString or Polygon by validation
            continue
        out[layer].append(
            {
                "asset_id": a.id,
                "asset_class": a.asset_class,
                "class_label": label("asset_class", a.asset_class),
                "subtype": a.subtype or "",
                "subtype_label": label("asset_subtype", a.subtype) if a.subtype else "",
                "name": a.name,
                "description": a.description or "",
                "supports": supports.get(a.id, 0),
                "created_at": a.created_at,
                "_wkb": shapely.to_wkb(shapely.force_2d(geom)),
            }
        )
    return out


def _utc_naive(value: datetime | None) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "s")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return np.datetime64(value.replace(microsecond=0), "s")


def _china_text(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA).isoformat(timespec="seconds")


def _fit_dbf(text: str) -> str:
    """Text cut to what a dBASE field holds (254 bytes of UTF-8), never mid-character."""
    if len(text.encode("utf-8")) <= DBF_TEXT_BYTES:
        return text
    cut = text.encode("utf-8")[: DBF_TEXT_BYTES - 3].decode("utf-8", "ignore")
    return cut + "…"


def _arrays(rows: list[dict], shapefile: bool) -> tuple[list[np.ndarray], dict]:
    data: list[np.ndarray] = []
    offsets: dict[str, np.ndarray] = {}
    for col in COLUMNS:
        values = [r[col.name] for r in rows]
        name = col.shp_name if shapefile else col.name
        if col.kind == "int":
            data.append(np.array(values, dtype=np.int64))
        elif col.kind == "datetime" and not shapefile:
            data.append(np.array([_utc_naive(v) for v in values], dtype="datetime64[s]"))
            offsets[name] = np.full(len(values), 100, dtype=np.int32)  # 100 = UTC for GDAL
        elif col.kind == "datetime":
            data.append(np.array([_china_text(v) for v in values], dtype=object))
        else:
            texts = [_fit_dbf(v) if shapefile else v for v in values]
            data.append(np.array(texts, dtype=object))
    return data, offsets


def _write_layer(path: Path, layer: str, kind: str, rows: list[dict], *, shapefile: bool) -> None:
    data, offsets = _arrays(rows, shapefile)
    names = [c.shp_name if shapefile else c.name for c in COLUMNS]
    options = {"driver": "ESRI Shapefile", "encoding": "UTF-8"} if shapefile else {"driver": "GPKG"}
    pyogrio.raw.write(
        path,
        np.array([r["_wkb"] for r in rows], dtype=object),
        data,
        names,
        layer=layer,
        geometry_type=kind,
        crs=CRS,
        append=not shapefile and path.exists(),
        gdal_tz_offsets=offsets or None,
        **options,
    )


def assets_gpkg(db: Session, workshop: Workshop) -> bytes:
    """A GeoPackage with the layers `points`, `lines` and `polygons`."""
    return gpkg_of(_rows(db, workshop))


def gpkg_of(rows: dict[str, list[dict]]) -> bytes:
    """A GeoPackage of `layer_rows`."""
    with tempfile.TemporaryDirectory(prefix="workshop-gpkg-") as tmp:
        path = Path(tmp) / "assets.gpkg"
        for layer, kind in LAYERS:
            _write_layer(path, layer, kind, rows[layer], shapefile=False)
        return path.read_bytes()


def assets_shapefile_zip(db: Session, workshop: Workshop, stem: str) -> bytes:
    """A zip of `<stem>-points.*`, `<stem>-lines.*` and `<stem>-polygons.*` Shapefiles."""
    return shapefile_zip_of(_rows(db, workshop), stem)


def shapefile_zip_of(rows: dict[str, list[dict]], stem: str) -> bytes:
    """A zip of one Shapefile set per layer of `layer_rows`."""
    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="workshop-shp-") as tmp:
        for layer, kind in LAYERS:
            path = Path(tmp) / f"{stem}-{layer}.shp"
            _write_layer(path, layer, kind, rows[layer], shapefile=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
    return out.getvalue()
