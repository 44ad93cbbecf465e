"""Geometry: parse and validate GeoJSON with shapely; measure in metres after projecting.

Coordinates are (lon, lat) in WGS-84 everywhere in this package; folium's [lat, lon]
order is produced in exactly one place, `workshop.mapping.maps`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from workshop.errors import Invalid

BOUNDARY_TOLERANCE_M = 30.0
MAX_VERTICES = 2000
COORDINATE_DECIMALS = 7
ASSET_GEOMETRY_TYPES = ("Point", "LineString", "Polygon")


def parse_boundary(geojson: dict) -> BaseGeometry:
    """Return the community boundary as a valid shapely (Multi)Polygon."""
    try:
        geom = shape(geojson)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Invalid("geo.not_geojson") from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise Invalid("geo.boundary_not_polygon")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def parse_point(lon: float | None, lat: float | None) -> Point:
    """Return a WGS-84 point, or raise Invalid with a message saying what is wrong."""
    if lon is None or lat is None or not all(map(math.isfinite, (lon, lat))):
        raise Invalid("geo.point_missing")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Invalid("geo.out_of_range")
    return Point(lon, lat)


@dataclass(frozen=True)
class LocalProjection:
    """An azimuthal equidistant projection centred on a place: metres near it."""

    lon0: float
    lat0: float

    @property
    def _forward(self) -> Transformer:
        return _transformer(round(self.lon0, 6), round(self.lat0, 6))

    def to_metres(self, geom: BaseGeometry) -> BaseGeometry:
        fwd = self._forward
        return shapely.transform(geom, lambda x, y: fwd.transform(x, y), interleaved=False)


@lru_cache(maxsize=64)
def _transformer(lon0: float, lat0: float) -> Transformer:
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    return Transformer.from_crs(CRS.from_epsg(4326), local, always_xy=True)


def projection_for(geom: BaseGeometry) -> LocalProjection:
    c = geom.centroid
    return LocalProjection(c.x, c.y)


def distance_outside_m(geom: BaseGeometry, boundary: BaseGeometry) -> float:
    """Return how far (metres) the farthest vertex of `geom` lies outside `boundary`."""
    if boundary.covers(geom):
        return 0.0
    proj = projection_for(boundary)
    local_boundary = proj.to_metres(boundary)
    vertices = shapely.points(shapely.get_coordinates(proj.to_metres(geom)))
    return float(shapely.distance(vertices, local_boundary).max())


def check_inside(geom: BaseGeometry, boundary: BaseGeometry) -> None:
    """Raise Invalid when `geom` is outside the boundary beyond the tolerance.

    When the geometry is outside but would be inside with each (lon, lat) pair swapped,
    say so: that is the usual mistake of a hand-written or imported file.
    """
    outside = distance_outside_m(geom, boundary)
    if outside > BOUNDARY_TOLERANCE_M:
        if _swapped_fits(geom, boundary):
            raise Invalid("geo.swapped")
        raise Invalid("geo.outside_boundary", metres=round(outside))


@dataclass(frozen=True)
class CheckedGeometry:
    """A validated asset geometry; `repaired` says make_valid had to fix it."""

    geometry: BaseGeometry
    repaired: bool = False


def check_asset_geometry(raw: object, boundary: BaseGeometry | None) -> CheckedGeometry:
    """Validate a GeoJSON Point, LineString or Polygon (WGS-84 lon, lat) for an asset.

    Raise Invalid with a distinct message key for each kind of problem, in this order:
    not GeoJSON, wrong geometry type, empty, malformed coordinates, too few points, too
    many vertices, out of range (or lat/lon swapped), self-intersecting polygon (repaired
    when make_valid still gives one polygon), outside the boundary beyond the tolerance.
    A Feature is accepted and its geometry used.
    """
    data = _load_json(raw)
    if data.get("type") == "Feature":
        geometry = data.get("geometry")
        if not isinstance(geometry, dict):
            raise Invalid("geo.not_geojson")
        data = geometry
    kind = data.get("type")
    if not isinstance(kind, str) or "coordinates" not in data:
        raise Invalid("geo.not_geojson")
    if kind not in ASSET_GEOMETRY_TYPES:
        raise Invalid("geo.wrong_type", type=kind[:40])
    coords = data["coordinates"]
    if not isinstance(coords, list):
        raise Invalid("geo.not_geojson")
    rings = _positions(kind, coords)
    vertices = sum(len(ring) for ring in rings)
    if vertices > MAX_VERTICES:
        raise Invalid("geo.too_many_vertices", count=vertices, limit=MAX_VERTICES)
    if not all(-180 <= x <= 180 and -90 <= y <= 90 for ring in rings for x, y in ring):
        if boundary is not None and _swapped_fits(_build(kind, rings), boundary):
            raise Invalid("geo.swapped")
        raise Invalid("geo.out_of_range")
    geom = _build(kind, rings)
    if kind == "Polygon" and geom.exterior.convex_hull.area == 0:  # all on one line
        raise Invalid("geo.polygon_degenerate")
    repaired = False
    if not geom.is_valid:
        # make_valid may leave dangling lines beside the area (a spike): keep the area
        # when it is exactly one polygon; two or more (a bow tie) cannot be guessed.
        fixed = shapely.make_valid(geom)
        areas = [p for p in getattr(fixed, "geoms", [fixed]) if p.geom_type == "Polygon"]
        if len(areas) != 1 or areas[0].is_empty:
            raise Invalid("geo.self_intersecting")
        geom, repaired = shapely.normalize(areas[0]), True
    if boundary is not None:
        check_inside(geom, boundary)
    return CheckedGeometry(geom, repaired)


def _load_json(raw: object) -> dict:
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise Invalid("geo.not_geojson") from None
    if not isinstance(raw, dict):
        raise Invalid("geo.not_geojson")
    return raw


def _position(value: object) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise Invalid("geo.bad_coordinates")
    for number in value:
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise Invalid("geo.bad_coordinates")
        if not math.isfinite(number):
            raise Invalid("geo.bad_coordinates")
    # Stored to 7 decimals (~1 cm): more is noise, and it keeps the map feed small.
    return round(float(value[0]), COORDINATE_DECIMALS), round(float(value[1]), COORDINATE_DECIMALS)


def _positions(kind: str, coords: list) -> list[list[tuple[float, float]]]:
    """Return the coordinates as rings of (x, y), checking shape and point counts."""
    if not coords:
        raise Invalid("geo.empty")
    if kind == "Point":
        return [[_position(coords)]]
    if kind == "LineString":
        line = [_position(p) for p in coords]
        if len(set(line)) < 2:
            raise Invalid("geo.line_too_short")
        return [line]
    rings = []
    for ring in coords:
        if not isinstance(ring, list):
            raise Invalid("geo.bad_coordinates")
        points = [_position(p) for p in ring]
        if len(set(points)) < 3:
            raise Invalid("geo.polygon_too_few")
        rings.append(points)
    return rings


def _build(kind: str, rings: list[list[tuple[float, float]]]) -> BaseGeometry:
    if kind == "Point":
        return Point(rings[0][0])
    if kind == "LineString":
        return LineString(rings[0])
    return Polygon(rings[0], rings[1:])  # shapely closes an unclosed ring


def _swapped_fits(geom: BaseGeometry, boundary: BaseGeometry) -> bool:
    """True when `geom` with x and y exchanged lies within the boundary's tolerance."""
    flipped = shapely.transform(geom, lambda xy: xy[:, ::-1])
    xs, ys = shapely.get_coordinates(flipped).T
    if not ((abs(xs) <= 180).all() and (abs(ys) <= 90).all()):
        return False
    return distance_outside_m(flipped, boundary) <= BOUNDARY_TOLERANCE_M


def to_geojson(geom: BaseGeometry) -> dict:
    """Return a plain-JSON GeoJSON geometry (lists, not tuples), as stored."""
    return json.loads(shapely.to_geojson(geom))


def bounds_latlon(geom: BaseGeometry) -> list[list[float]]:
    """Return [[south, west], [north, east]] for Leaflet's fitBounds."""
    west, south, east, north = geom.bounds
    return [[south, west], [north, east]]
