"""Generate the fictional demo community's map data in maps/demo/ (run once; output committed).

The place is invented: the shapes are drawn in metres around an arbitrary origin and
converted to WGS-84 so the app has something real-looking to work with offline.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Polygon, box, mapping

OUT = Path(__file__).resolve().parents[1] / "maps" / "demo"
ORIGIN = (106.5420, 29.5530)  # arbitrary; the community does not exist
local = CRS.from_proj4(f"+proj=aeqd +lat_0={ORIGIN[1]} +lon_0={ORIGIN[0]} +datum=WGS84 +units=m")
to_wgs = Transformer.from_crs(local, CRS.from_epsg(4326), always_xy=True).transform


def wgs(geom):  # type: ignore[no-untyped-def]
    return json.loads(
        json.dumps(mapping(shapely.transform(geom, to_wgs, interleaved=False))),
        parse_float=lambda s: round(float(s), 6),
    )


def feature(geom, **props):  # type: ignore[no-untyped-def]
    return {"type": "Feature", "properties": props, "geometry": wgs(geom)}


boundary = Polygon(
    [
        (-460, -300),
        (-120, -380),
        (300, -340),
        (470, -120),
        (430, 220),
        (160, 360),
        (-220, 330),
        (-480, 120),
    ]
)
roads = [
    LineString([(-500, -40), (-200, -20), (80, 10), (500, 40)]),  # main street
    LineString([(-60, -400), (-40, -150), (-10, 80), (20, 380)]),  # cross street
    LineString([(120, 10), (160, -120), (230, -230), (320, -330)]),  # stair street
    LineString([(-300, 300), (-280, 120), (-250, -20)]),
]
green = [
    Polygon([(180, 120), (330, 110), (360, 230), (220, 280), (170, 220)]),
    Polygon([(-420, -220), (-300, -250), (-280, -150), (-400, -120)]),
]
water = [LineString([(-480, 180), (-300, 210), (-120, 250), (40, 330), (150, 380)]).buffer(9)]
random.seed(7)
buildings = []
for x in range(-420, 420, 70):
    for y in range(-300, 320, 60):
        b = box(x, y, x + random.randint(28, 48), y + random.randint(18, 34))
        if (
            boundary.contains(b)
            and not any(b.intersects(g.buffer(5)) for g in green + water)
            and not any(b.intersects(r.buffer(14)) for r in roads)
        ):
            buildings.append(b)

(OUT / "boundary.geojson").write_text(
    json.dumps(
        {
            "type": "FeatureCollection",
            "features": [feature(boundary, name="桃源里社区（虚构示例）")],
        },
        ensure_ascii=False,
        indent=1,
    ),
    encoding="utf-8",
)
layers = (
    [feature(r, kind="road") for r in roads]
    + [feature(g, kind="green") for g in green]
    + [feature(w, kind="water") for w in water]
    + [feature(b, kind="building") for b in buildings]
)
(OUT / "base_layers.geojson").write_text(
    json.dumps({"type": "FeatureCollection", "features": layers}, ensure_ascii=False),
    encoding="utf-8",
)
print(f"{len(buildings)} buildings, boundary area {boundary.area / 10000:.1f} ha")
