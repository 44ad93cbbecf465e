"""Plain asset records and the metric frame every analysis works in.

The functions in this package take `AssetRecord`s, not ORM rows, so they can be tested
(and reused by the assessment record) without a database. Geometry arrives as GeoJSON in
WGS-84 (lon, lat); `Frame` projects the community and all assets at once into a local
azimuthal equidistant projection centred on the community (`workshop.geo.LocalProjection`),
where distances, lengths and areas are in metres, and projects results back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from workshop import geo

SQUARE_METRES_PER_HECTARE = 10_000.0


@dataclass(frozen=True)
class AssetRecord:
    """What the analysis needs to know about one asset; geometry is GeoJSON, WGS-84."""

    id: int
    asset_class: str
    name: str
    geometry: dict
    subtype: str = ""
    description: str = ""


@lru_cache(maxsize=64)
def _inverse(lon0: float, lat0: float) -> Transformer:
    # The same definition as workshop.geo's forward transformer, in the other direction.
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    return Transformer.from_crs(local, CRS.from_epsg(4326), always_xy=True)


@dataclass
class Frame:
    """The community boundary and the assets, projected to metres around the community."""

    projection: geo.LocalProjection
    boundary: BaseGeometry  # metres
    records: list[AssetRecord]
    geoms: np.ndarray  # shapely geometries in metres, parallel to `records`

    @classmethod
    def build(cls, boundary_geojson: dict, records: Sequence[AssetRecord]) -> Frame:
        boundary = geo.parse_boundary(boundary_geojson)
        projection = geo.projection_for(boundary)
        wgs = np.array([shape(r.geometry) for r in records], dtype=object)
        # One vectorised transform for all assets: far faster than one call per asset.
        metric = projection.to_metres(wgs) if len(wgs) else wgs
        return cls(projection, projection.to_metres(boundary), list(records), metric)

    @property
    def area_m2(self) -> float:
        return float(self.boundary.area)

    @property
    def area_ha(self) -> float:
        return self.area_m2 / SQUARE_METRES_PER_HECTARE

    def to_wgs84(self, geom: BaseGeometry) -> BaseGeometry:
        """Return a metric geometry back in WGS-84 (lon, lat)."""
        inv = _inverse(round(self.projection.lon0, 6), round(self.projection.lat0, 6))
        return shapely.transform(geom, lambda x, y: inv.transform(x, y), interleaved=False)

    def indices_of_class(self, asset_class: str) -> list[int]:
        return [i for i, r in enumerate(self.records) if r.asset_class == asset_class]
