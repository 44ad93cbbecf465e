"""Read a community boundary or its base layers from an uploaded file (no HTTP here).

GeoJSON is read with plain json, KML with defusedxml + ElementTree, a zipped Shapefile
with pyshp. Every problem raises `Invalid` with a message key (`community.import.*`)
and the 1-based number of the feature at fault, so the
planner knows what to fix. Nothing is stored here: callers save only on success.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import shapefile
from defusedxml import ElementTree
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from shapely.validation import explain_validity

from workshop.errors import Invalid

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 5000
MAX_VERTICES = 200_000
BASE_KINDS = ("road", "building", "green", "water")
BOUNDARY_TYPES = ("Polygon", "MultiPolygon")
LAYER_TYPES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point", "MultiPoint")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".zip": "shapefile"}
# Accepted geographic datums: WGS-84 and CGCS2000 (equal to WGS-84 within centimetres).
_WGS84_NAMES = ("WGS_1984", "WGS84", "WGS 84", "CGCS2000", "CGCS_2000", "CHINA_2000")

Feature = tuple[dict[str, Any], dict[str, Any]]  # (GeoJSON geometry, properties)


# -- entry points ------------------------------------------------------------------------


def boundary_from_upload(filename: str, data: bytes) -> dict[str, Any]:
    """A Polygon or MultiPolygon (lon, lat) from an uploaded file; all polygons merged."""
    features = read_features(filename, data)
    return _boundary(features)


def boundary_from_drawn(text: str) -> dict[str, Any]:
    """The boundary a planner drew: GeoJSON text of a geometry, Feature or collection."""
    return _boundary(read_features("drawn.geojson", text.encode()))


def base_layers_from_upload(filename: str, data: bytes, kind: str | None = None) -> dict[str, Any]:
    """A FeatureCollection whose features carry properties.kind (road/building/green/water).

    `kind` (chosen for the whole file) wins over each feature's own `kind` attribute."""
    if kind is not None and kind not in BASE_KINDS:
        raise Invalid("community.import.bad_kind", n=0, kind=kind)
    out = []
    for n, (geometry, props) in enumerate(read_features(filename, data), start=1):
        gtype = geometry.get("type")
        if gtype not in LAYER_TYPES:
            raise Invalid("community.import.layer_type", n=n, type=gtype)
        feature_kind = kind or str(props.get("kind") or props.get("KIND") or "").strip()
        if not feature_kind:
            raise Invalid("community.import.no_kind", n=n)
        if feature_kind not in BASE_KINDS:
            raise Invalid("community.import.bad_kind", n=n, kind=feature_kind[:40])
        out.append({"type": "Feature", "geometry": geometry, "properties": {"kind": feature_kind}})
    return {"type": "FeatureCollection", "features": out}


def read_features(filename: str, data: bytes) -> list[Feature]:
    """Parse and check an upload: geometry present, coordinates lon/lat in range, rings valid."""
    if len(data) > MAX_BYTES:
        raise Invalid("community.import.too_big", limit=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise Invalid("community.import.empty")
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    fmt = FORMATS.get(ext)
    if fmt is None:
        raise Invalid("community.import.unknown_format", ext=ext or filename[:40])
    reader = {"geojson": _geojson_features, "kml": _kml_features, "shapefile": _shp_features}
    features = reader[fmt](data)
    if not features:
        raise Invalid("community.import.empty")
    if len(features) > MAX_FEATURES:
        raise Invalid("community.import.too_many_features", count=len(features), limit=MAX_FEATURES)
    vertices = 0
    for n, (geometry, _props) in enumerate(features, start=1):
        points = list(_positions(geometry.get("coordinates"), n))
        geometry["coordinates"] = _two_d(geometry.get("coordinates"))  # Z dropped
        if not points:
            raise Invalid("community.import.no_geometry", n=n)
        vertices += len(points)
        if vertices > MAX_VERTICES:
            raise Invalid("community.import.too_many_vertices", limit=MAX_VERTICES)
        _check_lon_lat(points, n)
        _check_shape(geometry, n)
    return features


# -- checks --------------------------------------------------------------------------------


def _boundary(features: list[Feature]) -> dict[str, Any]:
    polygons = []
    for n, (geometry, _props) in enumerate(features, start=1):
        if geometry.get("type") not in BOUNDARY_TYPES:
            raise Invalid("community.import.boundary_type", n=n, type=geometry.get("type"))
        polygons.append(shape(geometry))
    merged = polygons[0] if len(polygons) == 1 else unary_union(polygons)
    if merged.is_empty or merged.area == 0:
        raise Invalid("community.import.empty")
    return mapping(merged) if len(polygons) > 1 else features[0][0]


def _positions(coords: Any, n: int) -> Iterable[tuple[float, float]]:
    """Every (x, y) in a GeoJSON coordinates array; anything else is not parseable."""
    if not isinstance(coords, list | tuple):
        raise Invalid("community.import.bad_coordinates", n=n)
    if coords and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords):
        if len(coords) < 2:
            raise Invalid("community.import.bad_coordinates", n=n)
        yield float(coords[0]), float(coords[1])
        return
    for part in coords:
        yield from _positions(part, n)


def _two_d(coords: Any) -> Any:
    """GeoJSON coordinates with every position cut to (x, y): heights are not kept."""
    if isinstance(coords, list | tuple):
        if coords and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords):
            return [coords[0], coords[1]] if len(coords) >= 2 else list(coords)
        return [_two_d(c) for c in coords]
    return coords


def text_encoding(data: bytes) -> str | None:
    """ "utf-8" or "gb18030" (which reads GBK and GB2312 too) when `data` decodes so."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def dbf_records(data: bytes) -> bytes:
    """The record part of a .dbf file (text and digits), past its binary header."""
    return data[int.from_bytes(data[8:10], "little") :] if len(data) > 10 else b""


def _check_lon_lat(points: list[tuple[float, float]], n: int) -> None:
    bad = [(x, y) for x, y in points if not (-180 <= x <= 180 and -90 <= y <= 90)]
    if bad:
        x, y = bad[0]
        if -90 <= x <= 90 and -180 <= y <= 180:
            raise Invalid("community.import.swapped", n=n, x=x, y=y)
        if abs(x) > 1000 or abs(y) > 1000:
            raise Invalid("community.import.projected_coords", n=n, x=x, y=y)
        raise Invalid("community.import.out_of_range", n=n, x=x, y=y)
    # Within China every longitude is 73..135 and every latitude 18..54: a feature whose
    # "longitudes" all look like Chinese latitudes and vice versa was written (lat, lon).
    if all(18 <= x <= 54 and 73 <= y <= 135 for x, y in points):
        x, y = points[0]
        raise Invalid("community.import.swapped", n=n, x=x, y=y)


def _check_shape(geometry: dict[str, Any], n: int) -> None:
    gtype = geometry.get("type")
    polygons = (
        [geometry.get("coordinates")]
        if gtype == "Polygon"
        else geometry.get("coordinates")
        if gtype == "MultiPolygon"
        else []
    )
    for rings in polygons or []:
        for ring in rings or []:
            if len(ring) < 4 or list(ring[0][:2]) != list(ring[-1][:2]):
                raise Invalid("community.import.invalid_ring", n=n, reason="ring not closed")
    try:
        geom = shape(geometry)
    except Exception:  # shapely raises several types for malformed arrays
        raise Invalid("community.import.bad_coordinates", n=n) from None
    if geom.is_empty:
        raise Invalid("community.import.no_geometry", n=n)
    if gtype in BOUNDARY_TYPES and not geom.is_valid:
        reason = explain_validity(geom)
        key = (
            "community.import.self_intersection"
            if "intersection" in reason.lower()
            else "community.import.invalid_ring"
        )
        raise Invalid(key, n=n, reason=reason[:120])


# -- GeoJSON -------------------------------------------------------------------------------


def _geojson_features(data: bytes) -> list[Feature]:
    encoding = text_encoding(data)
    if encoding is None:  # say so: "not valid GeoJSON" would send the planner astray
        raise Invalid("asset_import.encoding", tried="UTF-8, GBK/GB18030")
    try:
        doc = json.loads(data.decode(encoding))
    except ValueError:
        raise Invalid("community.import.unparseable", fmt="GeoJSON") from None
    if not isinstance(doc, dict):
        raise Invalid("community.import.unparseable", fmt="GeoJSON")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        items = doc.get("features")
        if not isinstance(items, list):
            raise Invalid("community.import.unparseable", fmt="GeoJSON")
    elif kind == "Feature":
        items = [doc]
    elif isinstance(kind, str) and "coordinates" in doc or kind == "GeometryCollection":
        items = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise Invalid("community.import.unparseable", fmt="GeoJSON")
    if len(items) > MAX_FEATURES:
        raise Invalid("community.import.too_many_features", count=len(items), limit=MAX_FEATURES)
    out: list[Feature] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("geometry"), dict):
            raise Invalid("community.import.no_geometry", n=n)
        geometry = item["geometry"]
        if geometry.get("type") == "GeometryCollection":
            raise Invalid("community.import.layer_type", n=n, type="GeometryCollection")
        props: dict[str, Any] = (
            item["properties"] if isinstance(item.get("properties"), dict) else {}
        )
        clean = {"type": geometry.get("type"), "coordinates": geometry.get("coordinates")}
        out.append((clean, props))
    return out


# -- KML -----------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kml_coords(element: Any, n: int) -> list[list[float]]:
    text = next((e.text or "" for e in element.iter() if _local(e.tag) == "coordinates"), "")
    points = []
    for token in text.split():
        parts = token.split(",")
        try:
            points.append([float(parts[0]), float(parts[1])])
        except (ValueError, IndexError):
            raise Invalid("community.import.bad_coordinates", n=n) from None
    return points


def _kml_geometry(element: Any, n: int) -> list[dict[str, Any]]:
    tag = _local(element.tag)
    if tag == "Point":
        return [{"type": "Point", "coordinates": (_kml_coords(element, n) or [[]])[0]}]
    if tag == "LineString":
        return [{"type": "LineString", "coordinates": _kml_coords(element, n)}]
    if tag == "Polygon":
        rings: list[list[list[float]]] = []
        for child in element:
            if _local(child.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
                ring = _kml_coords(child, n)
                if _local(child.tag) == "outerBoundaryIs":
                    rings.insert(0, ring)
                else:
                    rings.append(ring)
        return [{"type": "Polygon", "coordinates": rings}]
    if tag == "MultiGeometry":
        parts: list[dict[str, Any]] = []
        for child in element:
            parts.extend(_kml_geometry(child, n))
        return parts
    return []


def _combine(parts: list[dict[str, Any]], n: int) -> dict[str, Any] | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    types = {p["type"] for p in parts}
    if types == {"Polygon"}:
        return {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in parts]}
    if types == {"LineString"}:
        return {"type": "MultiLineString", "coordinates": [p["coordinates"] for p in parts]}
    if types == {"Point"}:
        return {"type": "MultiPoint", "coordinates": [p["coordinates"] for p in parts]}
    raise Invalid("community.import.layer_type", n=n, type="MultiGeometry")


def _kml_features(data: bytes) -> list[Feature]:
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # ParseError, defusedxml's entity/DTD refusals
        raise Invalid("community.import.unparseable", fmt="KML") from None
    placemarks = [e for e in root.iter() if _local(e.tag) == "Placemark"]
    if len(placemarks) > MAX_FEATURES:
        raise Invalid(
            "community.import.too_many_features", count=len(placemarks), limit=MAX_FEATURES
        )
    out: list[Feature] = []
    for n, placemark in enumerate(placemarks, start=1):
        props: dict[str, Any] = {}
        parts: list[dict[str, Any]] = []
        for child in placemark:
            tag = _local(child.tag)
            if tag == "name":
                props["name"] = (child.text or "").strip()
            elif tag == "ExtendedData":
                for data_el in child.iter():
                    if _local(data_el.tag) == "Data":
                        value = next((v.text for v in data_el if _local(v.tag) == "value"), None)
                        props[data_el.get("name", "")] = (value or "").strip()
                    elif _local(data_el.tag) == "SimpleData":
                        props[data_el.get("name", "")] = (data_el.text or "").strip()
            else:
                parts.extend(_kml_geometry(child, n))
        geometry = _combine(parts, n)
        if geometry is None:
            raise Invalid("community.import.no_geometry", n=n)
        out.append((geometry, props))
    return out


# -- zipped Shapefile ----------------------------------------------------------------------


def check_prj(text: str) -> None:
    """Refuse a projected or non-WGS-84 coordinate system named in a .prj file."""
    upper = text.upper()
    if re.search(r"\bPROJ(CS|CRS)\b", upper) or re.match(r"\s*PROJ", upper):
        name = re.search(r'PROJ(?:CS|CRS)\s*\[\s*"([^"]*)"', text, re.IGNORECASE)
        raise Invalid("community.import.projected_crs", crs=(name.group(1) if name else "?")[:80])
    if not any(w in upper for w in _WGS84_NAMES):
        name = re.search(r'GEOG(?:CS|CRS)\s*\[\s*"([^"]*)"', text, re.IGNORECASE)
        raise Invalid("community.import.not_wgs84", crs=(name.group(1) if name else "?")[:80])


def _shp_features(data: bytes) -> list[Feature]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise Invalid("community.import.unparseable", fmt="ZIP") from None
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise Invalid("community.import.too_big", limit=MAX_UNZIPPED_BYTES // (1024 * 1024))
    by_ext: dict[str, zipfile.ZipInfo] = {}
    shps = []
    for info in infos:
        name = info.filename.rsplit("/", 1)[-1]
        if name.startswith(".") or "__MACOSX" in info.filename or "." not in name:
            continue
        if name.lower().endswith(".shp"):
            shps.append(name)
        by_ext.setdefault(name.rsplit(".", 1)[-1].lower(), info)
    if "shp" not in by_ext:
        raise Invalid("community.import.no_shp")
    if len(shps) > 1:  # one file's geometry with another's attributes: never; name them
        raise Invalid("community.import.several_shp", names="、".join(sorted(shps))[:200])
    try:
        if "prj" in by_ext:
            check_prj(archive.read(by_ext["prj"]).decode("utf-8", "replace"))
        files = {
            e: io.BytesIO(archive.read(by_ext[e])) for e in ("shp", "shx", "dbf") if e in by_ext
        }
    except zipfile.BadZipFile:
        raise Invalid("community.import.unparseable", fmt="ZIP") from None
    if "dbf" not in files:
        raise Invalid("community.import.no_dbf")
    out: list[Feature] = []
    try:
        reader = shapefile.Reader(
            shp=files["shp"],
            shx=files.get("shx"),
            dbf=files["dbf"],
            encoding=text_encoding(dbf_records(files["dbf"].getvalue())) or "utf-8",
            encodingErrors="replace",
        )
        if len(reader) > MAX_FEATURES:
            raise Invalid(
                "community.import.too_many_features", count=len(reader), limit=MAX_FEATURES
            )
        for n, record in enumerate(reader.iterShapeRecords(), start=1):
            if record.shape.shapeType == shapefile.NULL:
                raise Invalid("community.import.no_geometry", n=n)
            geo = record.shape.__geo_interface__
            out.append(
                (
                    {"type": geo["type"], "coordinates": _lists(geo["coordinates"])},
                    dict(record.record.as_dict()),
                )
            )
    except Invalid:
        raise
    except Exception:  # pyshp raises ShapefileException, struct.error, ...
        raise Invalid("community.import.unparseable", fmt="Shapefile") from None
    return out


def _lists(coords: Any) -> Any:
    if isinstance(coords, list | tuple):
        return [_lists(c) for c in coords]
    return coords
