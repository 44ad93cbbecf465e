"""GIS exports: a GeoPackage and zipped Shapefiles, read back with pyogrio (GDAL)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pyogrio
import pyogrio.raw
import shapely
from sqlalchemy import select

from tests.reports.seed import seed_workshop
from workshop.accounts.models import Planner
from workshop.assets.models import Asset

LONG = "老街的黄葛树，" * 60  # 420 characters, 1,260 bytes of UTF-8


def _seeded(planner_client, database) -> int:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        workshop = seed_workshop(db, n_assets=20, n_proposals=2, planner=planner)
        first = db.scalars(select(Asset).where(Asset.workshop_id == workshop.id)).first()
        first.name, first.description, first.subtype = "黄葛树 · 百年", LONG, "old_tree"
        return workshop.id


def _layers(path: Path | str) -> dict[str, str]:
    return {name: kind for name, kind in pyogrio.list_layers(path)}


def test_geopackage_has_a_layer_per_geometry_type_with_chinese_and_typed_times(
    planner_client, database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws_id = _seeded(planner_client, database)
    response = planner_client.get(f"/console/workshops/{ws_id}/export/assets.gpkg")
    assert response.status_code == 200
    assert 'filename="workshop-' in response.headers["content-disposition"]
    path = tmp_path / "assets.gpkg"
    path.write_bytes(response.content)
    assert _layers(path) == {"points": "Point", "lines": "LineString", "polygons": "Polygon"}
    counts = {layer: pyogrio.read_info(path, layer=layer)["features"] for layer in _layers(path)}
    assert counts == {"points": 16, "lines": 2, "polygons": 2}  # the seed's 8:1:1 of 20
    info = pyogrio.read_info(path, layer="points")
    assert info["crs"] == "EPSG:4326" and info["encoding"] == "UTF-8"
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["created_at"] == "OFTDateTime"
    assert types["supports"] == "OFTInteger64" and types["name"] == "OFTString"
    _meta, _fids, geoms, fields = pyogrio.raw.read(path, layer="points")
    columns = dict(zip(info["fields"], fields, strict=True))
    names = list(columns["name"])
    assert "黄葛树 · 百年" in names
    first = names.index("黄葛树 · 百年")
    assert columns["description"][first] == LONG  # whole, not cut
    assert columns["subtype_label"][first] == "古树"
    assert columns["class_label"][first] in ("生态资产", "文化资产", "社会资产", "人力资产")
    assert str(columns["created_at"][first]).startswith("20")
    point = shapely.from_wkb(geoms[first])
    assert 73 < point.x < 135 and 18 < point.y < 54  # lon, lat
    _meta, _fids, polygons, _fields = pyogrio.raw.read(path, layer="polygons")
    assert all(shapely.from_wkb(g).exterior.is_ccw for g in polygons)


def test_shapefile_zip_has_one_set_per_geometry_type_in_utf8(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _seeded(planner_client, database)
    response = planner_client.get(f"/console/workshops/{ws_id}/export/assets.shp.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    stem = f"workshop-{ws_id}-assets"
    for layer in ("points", "lines", "polygons"):
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            assert f"{stem}-{layer}.{ext}" in names
        assert archive.read(f"{stem}-{layer}.cpg").strip() == b"UTF-8"
        assert b"WGS_1984" in archive.read(f"{stem}-{layer}.prj")
    expected = {"points": ("Point", 16), "lines": ("LineString", 2), "polygons": ("Polygon", 2)}
    for layer, (kind, count) in expected.items():
        info = pyogrio.read_info(io.BytesIO(response.content), layer=f"{stem}-{layer}")
        assert info["geometry_type"] == kind, layer
        assert info["features"] == count
        assert info["encoding"] == "UTF-8"
    info = pyogrio.read_info(io.BytesIO(response.content), layer=f"{stem}-points")
    _meta, _fids, _geoms, fields = pyogrio.raw.read(
        io.BytesIO(response.content), layer=f"{stem}-points"
    )
    columns = dict(zip(info["fields"], fields, strict=True))
    names = list(columns["name"])
    first = names.index("黄葛树 · 百年")
    cut = columns["descr"][first]
    assert cut.endswith("…") and LONG.startswith(cut[:-1])
    assert len(cut.encode("utf-8")) <= 254
    assert columns["created"][first].endswith("+08:00")  # China time as text


def test_gis_exports_of_an_empty_workshop_still_have_the_three_layers(
    planner_client, database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_workshop

    with database.unit_of_work() as db:
        ws_id = make_workshop(db, planner=db.get(Planner, planner_client.planner.id)).id
    path = tmp_path / "empty.gpkg"
    path.write_bytes(planner_client.get(f"/console/workshops/{ws_id}/export/assets.gpkg").content)
    assert _layers(path) == {"points": "Point", "lines": "LineString", "polygons": "Polygon"}
    assert pyogrio.read_info(path, layer="lines")["features"] == 0


def test_gis_exports_are_for_the_workshops_planners_only(client, planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _seeded(planner_client, database)
    planner_client.post("/logout")
    for suffix in ("assets.gpkg", "assets.shp.zip"):
        response = client.get(f"/console/workshops/{ws_id}/export/{suffix}", follow_redirects=False)
        assert response.status_code in (303, 401, 403, 404)
        assert not response.content.startswith((b"PK", b"SQLite"))


def test_console_links_the_gis_exports(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _seeded(planner_client, database)
    page = planner_client.get(f"/console/workshops/{ws_id}").text
    assert f"/console/workshops/{ws_id}/export/assets.gpkg" in page
    assert f"/console/workshops/{ws_id}/export/assets.shp.zip" in page
