"""Map builders honour the community's base map (options, not whole HTML)."""

from __future__ import annotations

import folium
import pytest

from workshop.basemaps.gcj02 import wgs84_to_gcj02
from workshop.communities.models import Community
from workshop.mapping.maps import community_map, embed

from ..factories import DEMO, demo_boundary


def community(base_map: dict | None) -> Community:
    import json

    layers = json.loads((DEMO / "base_layers.geojson").read_text(encoding="utf-8"))
    return Community(name="示例", boundary=demo_boundary(), base_layers=layers, base_map=base_map)


def layers(m: folium.Map, kind: type) -> list:
    return [c for c in m._children.values() if isinstance(c, kind)]


def geojson(m: folium.Map, name: str) -> dict:
    return next(c.data for c in layers(m, folium.GeoJson) if c.layer_name == name)


def flat(coordinates: list) -> list[list[float]]:
    """Every (lon, lat) of a GeoJSON coordinates array, in order."""
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [list(coordinates)]
    return [point for part in coordinates for point in flat(part)]


def drawn_boundary(m: folium.Map) -> dict:
    return geojson(m, "boundary")["features"][0]["geometry"]


def test_vector_only_has_no_tiles_and_keeps_wgs84():
    m = community_map(community(None))
    assert layers(m, folium.TileLayer) == []
    names = {c.layer_name for c in layers(m, folium.GeoJson)}
    assert {"boundary", "building", "road", "green", "water"} <= names
    header = embed(m).header
    assert '<meta name="workshop-map-crs" content="wgs84">' in header
    assert '<script src="/static/coords.js"></script>' in header
    assert drawn_boundary(m)["coordinates"] == demo_boundary()["coordinates"]


def test_local_pack_is_a_relative_tile_layer_without_duplicate_vectors():
    m = community_map(community({"kind": "tiles", "pack": "demo", "attribution": "示例"}))
    (tiles,) = layers(m, folium.TileLayer)
    assert tiles.tiles == "/tiles/demo/{z}/{x}/{y}.png"
    assert tiles.options["max_native_zoom"] == 18 and tiles.options["min_native_zoom"] == 15
    names = {c.layer_name for c in layers(m, folium.GeoJson)}
    assert names == {"boundary"}  # the raster already shows buildings and roads


def test_tile_layers_never_search_the_provider_catalogue(monkeypatch):
    """folium looks a plain URL up among xyzservices' providers (~5 ms a map, on every
    projector and tablet page); our tile layers skip that and keep every placeholder."""
    import xyzservices

    def refuse(name: str) -> None:
        raise AssertionError(f"searched the provider catalogue for {name!r}")

    monkeypatch.setattr(xyzservices.providers, "query_name", refuse)
    url = "https://t{s}.example.com/{z}/{x}/{y}{r}.png?style={style}"
    online = community_map(community({"kind": "xyz", "url": url, "attribution": "示例"}))
    (tiles,) = layers(online, folium.TileLayer)
    assert tiles.tiles == url and tiles.options["attribution"] == "示例"
    pack = community_map(community({"kind": "tiles", "pack": "demo", "attribution": "示例"}))
    assert layers(pack, folium.TileLayer)[0].tiles == "/tiles/demo/{z}/{x}/{y}.png"


def test_missing_pack_falls_back_to_vector_layers():
    m = community_map(community({"kind": "tiles", "pack": "nosuchpack"}))
    assert layers(m, folium.TileLayer) == []
    assert "building" in {c.layer_name for c in layers(m, folium.GeoJson)}


def test_gcj02_tiles_shift_what_the_server_draws():
    url = "https://webrd01.example.com/tile/{z}/{x}/{y}.png"
    m = community_map(community({"kind": "xyz", "url": url, "crs": "gcj02"}))
    (tiles,) = layers(m, folium.TileLayer)
    assert tiles.tiles == url
    assert '<meta name="workshop-map-crs" content="gcj02">' in embed(m).header
    drawn = drawn_boundary(m)["coordinates"][0][0]
    stored = demo_boundary()["coordinates"][0][0]
    assert drawn == pytest.approx(list(wgs84_to_gcj02(*stored)), abs=1e-12)
    # Base layers stay (they are what shows when the internet is gone), shifted too:
    # every vertex of every road, building, green and water, by the same transform.
    stored_layers = community(None).base_layers["features"]
    for kind in ("road", "building", "green", "water"):
        stored = [f for f in stored_layers if f["properties"]["kind"] == kind]
        shown = geojson(m, kind)["features"]
        assert len(shown) == len(stored) > 0, kind
        for before, after in zip(stored, shown, strict=True):
            assert after["geometry"]["type"] == before["geometry"]["type"]
            old, new = (
                flat(before["geometry"]["coordinates"]),
                flat(after["geometry"]["coordinates"]),
            )
            assert len(old) == len(new)
            expected = [c for x, y in old for c in wgs84_to_gcj02(x, y)]
            assert [c for point in new for c in point] == pytest.approx(expected, abs=1e-12)
            assert all(p != q for p, q in zip(old, new, strict=True))  # really moved
