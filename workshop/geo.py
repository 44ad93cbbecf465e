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
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from workshop.errors import Invalid

BOUNDARY_TOLERANCE_M = 30.0


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
    """Raise Invalid when `geom` is outside the boundary beyond the tolerance."""
    outside = distance_outside_m(geom, boundary)
    if outside > BOUNDARY_TOLERANCE_M:
        raise Invalid("geo.outside_boundary", metres=round(outside))


def to_geojson(geom: BaseGeometry) -> dict:
    """Return a plain-JSON GeoJSON geometry (lists, not tuples), as stored."""
    return json.loads(shapely.to_geojson(geom))


def bounds_latlon(geom: BaseGeometry) -> list[list[float]]:
    """Return [[south, west], [north, east]] for Leaflet's fitBounds."""
    west, south, east, north = geom.bounds
    return [[south, west], [north, east]]
