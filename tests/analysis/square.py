"""A square community 1,000 m × 1,000 m (100 ha) in Chongqing, built in metres.

`at(x, y)` turns local metres (origin at the square's centre, x east, y north) into
WGS-84 (lon, lat) through the same azimuthal equidistant projection the analysis uses,
so expected values can be worked out by hand on paper.
"""

from __future__ import annotations

from pyproj import CRS, Transformer

from workshop.analysis.core import AssetRecord

LON0, LAT0 = 106.54, 29.55
HALF = 500.0
_inv = Transformer.from_crs(
    CRS.from_proj4(f"+proj=aeqd +lat_0={LAT0} +lon_0={LON0} +datum=WGS84 +units=m"),
    CRS.from_epsg(4326),
    always_xy=True,
)


def at(x: float, y: float) -> list[float]:
    lon, lat = _inv.transform(x, y)
    return [lon, lat]


def boundary() -> dict:
    corners = [(-HALF, -HALF), (HALF, -HALF), (HALF, HALF), (-HALF, HALF), (-HALF, -HALF)]
    return {"type": "Polygon", "coordinates": [[at(x, y) for x, y in corners]]}


def point(id_: int, cls: str, name: str, x: float, y: float, **kw: str) -> AssetRecord:
    return AssetRecord(id_, cls, name, {"type": "Point", "coordinates": at(x, y)}, **kw)


def line(id_: int, cls: str, name: str, xys: list[tuple[float, float]], **kw: str) -> AssetRecord:
    geom = {"type": "LineString", "coordinates": [at(x, y) for x, y in xys]}
    return AssetRecord(id_, cls, name, geom, **kw)


def rect(id_: int, cls: str, name: str, x0: float, y0: float, x1: float, y1: float, **kw: str):
    ring = [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]
    return AssetRecord(id_, cls, name, {"type": "Polygon", "coordinates": [ring]}, **kw)
