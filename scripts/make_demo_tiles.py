"""Render the demo community's raster tile pack, maps/demo/tiles.mbtiles (output committed).

Offline by design: the tiles are drawn with Pillow from the demo's own vector layers
(maps/demo/base_layers.geojson), zoom 15-18, over the community plus a margin. The
pack follows MBTiles 1.3 (TMS rows: tile_row = 2^z − 1 − y). Re-run after changing
the demo layers:  python -m scripts.make_demo_tiles
"""

from __future__ import annotations

import io
import json
import math
import sqlite3
from pathlib import Path

from PIL import Image, ImageDraw
from shapely.geometry import shape

DEMO = Path(__file__).resolve().parents[1] / "maps" / "demo"
OUT = DEMO / "tiles.mbtiles"
ZOOMS = range(15, 19)
MARGIN_DEG = 0.004  # about 400 m around the community
SCALE = 2  # draw at 2× and downsample: smooth edges without anti-aliasing support
BACKGROUND = (242, 239, 233)
FILL = {  # kind -> (fill, outline); drawn in this order
    "green": ((200, 230, 201), (129, 199, 132)),
    "water": ((187, 222, 251), (100, 181, 246)),
    "building": ((215, 210, 200), (141, 141, 141)),
}
ROAD = ((255, 255, 255), (190, 190, 190))
ROAD_WIDTH_M = 9.0


def world_px(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Return Web Mercator world pixel coordinates at zoom z (256-pixel tiles)."""
    n = 256 * 2**z
    s = math.sin(math.radians(lat))
    return (lon + 180) / 360 * n, (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n


def tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[range, range]:
    west, south, east, north = bounds
    x0, y0 = world_px(west, north, z)
    x1, y1 = world_px(east, south, z)
    return range(int(x0 // 256), int(x1 // 256) + 1), range(int(y0 // 256), int(y1 // 256) + 1)


def rings(geom):  # type: ignore[no-untyped-def]
    for poly in getattr(geom, "geoms", [geom]):
        yield poly.exterior.coords, [i.coords for i in poly.interiors]


def render_tile(features: list[dict], z: int, tx: int, ty: int) -> bytes:
    size = 256 * SCALE
    img = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(img)

    def px(coords):  # type: ignore[no-untyped-def]
        out = []
        for lon, lat, *_ in coords:
            wx, wy = world_px(lon, lat, z)
            out.append(((wx - tx * 256) * SCALE, (wy - ty * 256) * SCALE))
        return out

    lat = features[0]["_lat"]
    metres_per_px = 40_075_016.686 * math.cos(math.radians(lat)) / (256 * 2**z)
    for kind in ("green", "water"):
        for f in (f for f in features if f["kind"] == kind):
            for outer, holes in rings(f["geom"]):
                draw.polygon(px(outer), fill=FILL[kind][0], outline=FILL[kind][1])
                for hole in holes:
                    draw.polygon(px(hole), fill=BACKGROUND)
    width = max(2, round(ROAD_WIDTH_M / metres_per_px * SCALE))
    for colour, extra in ((ROAD[1], 2 * SCALE), (ROAD[0], 0)):
        for f in (f for f in features if f["kind"] == "road"):
            for part in getattr(f["geom"], "geoms", [f["geom"]]):
                draw.line(px(part.coords), fill=colour, width=width + extra, joint="curve")
    for f in (f for f in features if f["kind"] == "building"):
        for outer, _holes in rings(f["geom"]):
            draw.polygon(px(outer), fill=FILL["building"][0], outline=FILL["building"][1])
    img = img.resize((256, 256), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    img.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def main() -> None:
    layers = json.loads((DEMO / "base_layers.geojson").read_text(encoding="utf-8"))
    boundary = shape(
        json.loads((DEMO / "boundary.geojson").read_text(encoding="utf-8"))["features"][0][
            "geometry"
        ]
    )
    west, south, east, north = boundary.bounds
    bounds = (west - MARGIN_DEG, south - MARGIN_DEG, east + MARGIN_DEG, north + MARGIN_DEG)
    features = [
        {"kind": f["properties"]["kind"], "geom": shape(f["geometry"]), "_lat": boundary.centroid.y}
        for f in layers["features"]
    ]
    OUT.unlink(missing_ok=True)
    conn = sqlite3.connect(OUT)
    conn.executescript(
        """
        CREATE TABLE metadata (name TEXT, value TEXT);
        CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                            tile_data BLOB);
        CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
        """
    )
    meta = {
        "name": "桃源里社区（虚构示例）底图",
        "format": "png",
        "type": "baselayer",
        "version": "1",
        "description": "Fictional demo community, rendered from maps/demo/base_layers.geojson",
        "attribution": "虚构示例底图",
        "bounds": ",".join(f"{v:.6f}" for v in bounds),
        "center": f"{boundary.centroid.x:.6f},{boundary.centroid.y:.6f},16",
        "minzoom": str(min(ZOOMS)),
        "maxzoom": str(max(ZOOMS)),
    }
    conn.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    count = 0
    for z in ZOOMS:
        xs, ys = tile_range(bounds, z)
        for tx in xs:
            for ty in ys:
                data = render_tile(features, z, tx, ty)
                conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, tx, 2**z - 1 - ty, data))
                count += 1
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    print(f"{OUT}: {count} tiles, {OUT.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
