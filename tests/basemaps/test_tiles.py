"""Tile packs: the demo MBTiles pack served at /tiles/{pack}/{z}/{x}/{y}.png."""

from __future__ import annotations

import math
import sqlite3

import pytest

from workshop.basemaps.tiles import EMPTY_TILE, metadata, pack_path, read_tile
from workshop.config import MAPS_DIR

from ..factories import demo_centre

PNG = b"\x89PNG\r\n\x1a\n"


def xyz_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture
def demo_tile() -> tuple[int, int, int, bytes]:
    """The zoom-17 tile over the demo community's centre, read straight from the file."""
    x, y = xyz_of(*demo_centre(), 17)
    with sqlite3.connect(MAPS_DIR / "demo" / "tiles.mbtiles") as conn:
        row = conn.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=17 AND tile_column=? AND tile_row=?",
            (x, 2**17 - 1 - y),  # TMS rows
        ).fetchone()
    return 17, x, y, bytes(row[0])


def test_demo_pack_is_mbtiles_with_metadata():
    path = pack_path("demo")
    assert path == (MAPS_DIR / "demo" / "tiles.mbtiles").resolve()
    meta = metadata(path)
    assert meta["format"] == "png" and (meta["minzoom"], meta["maxzoom"]) == ("15", "18")
    west, south, east, north = map(float, meta["bounds"].split(","))
    lon, lat = demo_centre()
    assert west < lon < east and south < lat < north


def test_serves_the_stored_bytes_with_cache_headers(client, demo_tile):
    z, x, y, data = demo_tile
    response = client.get(f"/tiles/demo/{z}/{x}/{y}.png")
    assert response.status_code == 200
    assert response.content == data and data.startswith(PNG)
    assert response.headers["content-type"] == "image/png"
    assert "max-age=604800" in response.headers["cache-control"]
    again = client.get(
        f"/tiles/demo/{z}/{x}/{y}.png", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


def test_flips_y_as_tms(demo_tile):
    z, x, y, data = demo_tile
    assert read_tile(pack_path("demo"), z, x, y) == data
    assert read_tile(pack_path("demo"), z, x, 2**z - 1 - y) is None  # the unflipped row


@pytest.mark.parametrize(
    "url",
    [
        "/tiles/demo/10/0/0.png",  # outside the pack's zooms
        "/tiles/demo/17/999999999/1.png",  # beyond the world
        "/tiles/nopack/17/1/1.png",
    ],
)
def test_missing_tiles_are_404_transparent_png(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "image/png"
    assert response.content == EMPTY_TILE and EMPTY_TILE.startswith(PNG)


@pytest.mark.parametrize(
    "url",
    [
        "/tiles/../demo/17/1/1.png",
        "/tiles/..%2F..%2Fworkshop/17/1/1.png",
        "/tiles/%2e%2e/17/1/1.png",
        "/tiles/demo%2F..%2F..%2Fdata/17/1/1.png",
        "/tiles/Demo/17/1/1.png",
    ],
)
def test_no_path_traversal(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert not response.content.startswith(b"SQLite")


def test_pack_outside_maps_dir_through_a_symlink_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "tiles.mbtiles").write_bytes(b"")
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "evil").symlink_to(outside)
    assert pack_path("evil", maps_dir=maps) is None
    assert pack_path("..", maps_dir=maps) is None
