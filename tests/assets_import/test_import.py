"""Importing existing assets from GIS files: upload → field mapping → preview → import.

Files are made with pyogrio (GDAL) or by hand; each test says what a planner sees and
what is stored."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from sqlalchemy import select

from tests.factories import demo_centre, make_workshop
from workshop.accounts.models import Planner
from workshop.assets.models import Asset

X, Y = demo_centre()


def _workshop(planner_client, database, stage: str = "mapping") -> int:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        return make_workshop(db, stage=stage, planner=planner).id


def _upload(client, ws_id: int, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/workshops/{ws_id}/assets/import",
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def _token(client, ws_id: int, name: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    response = _upload(client, ws_id, name, data)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _post(client, ws_id: int, token: str, action: str = "preview", **fields: str):  # type: ignore[no-untyped-def]
    data = {k.replace("_", "-"): v for k, v in fields.items()}
    if action == "import":
        data["do_import"] = "1"  # the import button; without it the form previews
    return client.post(
        f"/console/workshops/{ws_id}/assets/import/{token}", data=data, follow_redirects=False
    )


def _stored(database, ws_id: int) -> list[Asset]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        rows = list(db.scalars(select(Asset).where(Asset.workshop_id == ws_id).order_by(Asset.id)))
        db.expunge_all()
        return rows


def _geojson(features: list[dict]) -> bytes:
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False).encode()


def _point(name: str, dx: float = 0.0, z: float | None = None, **props: str) -> dict:
    coords = [X + dx, Y] + ([z] if z is not None else [])
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coords},
        "properties": {"名称": name, **props},
    }


def _write(path: Path, layer: str, geoms: list, fields: dict[str, list], kind: str, **kw) -> None:  # type: ignore[no-untyped-def]
    pyogrio.raw.write(
        path,
        np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        [np.array(v, dtype=object) for v in fields.values()],
        list(fields),
        layer=layer,
        geometry_type=kind,
        crs="EPSG:4326",
        **kw,
    )


def test_geojson_upload_maps_fields_previews_and_imports(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    tree = _point("黄葛树", 0, z=312.5, 类别="生态", 说明="百年老树")
    data = _geojson([tree, _point("茶馆", 0.0003, 类别="文化")])
    token = _token(planner_client, ws_id, "survey.geojson", data)
    page = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}")
    assert page.status_code == 200
    assert "folium-map" in page.text or "leaflet" in page.text.lower()
    # the guessed mapping: 名称 -> name, 说明 -> description, 类别 -> class from the field
    assert re.search(r'<option value="名称"\s+selected', page.text)
    assert re.search(r'<option value="field:类别"\s+selected', page.text)
    preview = _post(
        planner_client, ws_id, token, layer_0_class="field:类别", layer_0_name="名称",
        layer_0_description="说明",
    )  # fmt: skip
    assert preview.status_code == 200
    assert "可导入 2 项资产，0 处问题" in preview.text
    assert "黄葛树" in preview.text  # on the map's tooltip data
    assert _stored(database, ws_id) == []  # a preview stores nothing
    done = _post(
        planner_client, ws_id, token, "import", layer_0_class="field:类别", layer_0_name="名称",
        layer_0_description="说明",
    )  # fmt: skip
    assert done.status_code == 303
    assets = _stored(database, ws_id)
    assert [(a.name, a.asset_class, a.description) for a in assets] == [
        ("黄葛树", "ecological", "百年老树"),
        ("茶馆", "cultural", ""),
    ]
    assert assets[0].geometry["coordinates"] == [round(X, 7), round(Y, 7)]  # Z dropped
    assert assets[0].participant_id is None
    # the upload is gone once imported
    again = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}")
    assert again.status_code == 422 and "重新上传" in again.text


def test_gbk_geojson_is_read_as_gb18030_and_said_so(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    data = _geojson([_point("社区食堂")]).decode().encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    token = _token(planner_client, ws_id, "old.geojson", data)
    page = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}")
    assert "按 GB18030 编码读取" in page.text
    _post(planner_client, ws_id, token, "import", layer_0_class="social", layer_0_name="名称")
    assert [a.name for a in _stored(database, ws_id)] == ["社区食堂"]


def test_a_file_in_no_known_encoding_is_refused_naming_the_encodings(
    planner_client, database
) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    data = b'{"type": "FeatureCollection", "features": [], "x": "\xff\xfe\xff"}'
    response = _upload(planner_client, ws_id, "bad.geojson", data)
    assert response.status_code == 422
    assert "UTF-8" in response.text and "GB18030" in response.text


def test_kml_placemarks_import(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>老邮局</name><description>八十年代的邮局</description>
<Point><coordinates>{X},{Y},0</coordinates></Point></Placemark>
<Placemark><name>滨江步道</name>
<LineString><coordinates>{X},{Y} {X + 0.0005},{Y + 0.0003}</coordinates></LineString></Placemark>
</Document></kml>""".encode()
    token = _token(planner_client, ws_id, "places.kml", kml)
    page = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}")
    assert page.status_code == 200
    layer = re.search(r"图层「([^」]+)」", page.text).group(1)
    _post(
        planner_client, ws_id, token, "import", layer_0_class="cultural", layer_0_name="Name",
        layer_0_description="description",
    )  # fmt: skip
    assets = _stored(database, ws_id)
    assert layer
    assert [(a.name, a.geometry["type"]) for a in assets] == [
        ("老邮局", "Point"),
        ("滨江步道", "LineString"),
    ]
    assert assets[0].description == "八十年代的邮局"


def _shapefile_zip(tmp_path: Path, *, gbk: bool = False) -> bytes:
    """Two Shapefiles in a folder of a zip: trees (points) and roads (lines)."""
    folder = tmp_path / "shp"
    folder.mkdir()
    encoding = "GB18030" if gbk else "UTF-8"
    _write(
        folder / "trees.shp", "trees", [shapely.Point(X, Y, 5.0)],
        {"mc": ["黄葛树"], "kind": ["old_tree"]}, "Point Z", driver="ESRI Shapefile",
        encoding=encoding,
    )  # fmt: skip
    _write(
        folder / "roads.shp", "roads", [shapely.LineString([(X, Y), (X + 0.0004, Y + 0.0002)])],
        {"road": ["石板老街"], "kind": ["green"]}, "LineString", driver="ESRI Shapefile",
        encoding="UTF-8",
    )  # fmt: skip
    if gbk:
        (folder / "trees.cpg").unlink()  # as many old files come: no .cpg at all
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"survey/{path.name}")
    return out.getvalue()


def test_zipped_shapefiles_are_layers_each_with_its_own_fields(
    planner_client, database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    token = _token(planner_client, ws_id, "survey.zip", _shapefile_zip(tmp_path, gbk=True))
    page = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}").text
    names = re.findall(r"图层「([^」]+)」", page)
    assert sorted(names) == ["roads", "trees"]
    assert "按 GB18030 编码读取" in page  # trees.dbf had no .cpg and GBK text
    i_trees, i_roads = names.index("trees"), names.index("roads")
    # the roads layer has no `mc` field: its fields are its own, never mixed
    roads_block = page.split(f'id="layer-{i_roads}"')[1].split("</fieldset>")[0]
    assert 'value="mc"' not in roads_block and 'value="road"' in roads_block
    fields = {
        f"layer_{i_trees}_class": "ecological", f"layer_{i_trees}_name": "mc",
        f"layer_{i_trees}_subtype": "field:kind",
        f"layer_{i_roads}_class": "ecological", f"layer_{i_roads}_name": "road",
    }  # fmt: skip
    done = _post(planner_client, ws_id, token, "import", **fields)
    assert done.status_code == 303
    stored = {(a.name, a.subtype, a.geometry["type"]) for a in _stored(database, ws_id)}
    assert stored == {("黄葛树", "old_tree", "Point"), ("石板老街", "", "LineString")}
    tree = next(a for a in _stored(database, ws_id) if a.name == "黄葛树")
    assert len(tree.geometry["coordinates"]) == 2  # Z dropped


def test_a_layer_left_unmapped_is_skipped_by_name_and_one_without_name_refused(
    planner_client, database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    token = _token(planner_client, ws_id, "survey.zip", _shapefile_zip(tmp_path))
    page = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}").text
    names = re.findall(r"图层「([^」]+)」", page)
    i_trees, i_roads = names.index("trees"), names.index("roads")
    refused = _post(planner_client, ws_id, token, "import", **{f"layer_{i_roads}_class": "social"})
    assert refused.status_code == 422
    assert "请为图层「roads」选择作为名称的字段" in refused.text
    assert _stored(database, ws_id) == []
    done = _post(
        planner_client, ws_id, token, "import",
        **{f"layer_{i_trees}_class": "ecological", f"layer_{i_trees}_name": "mc"},
    )  # fmt: skip
    assert done.status_code == 303
    assert [a.name for a in _stored(database, ws_id)] == ["黄葛树"]  # roads skipped


def test_geopackage_layers_and_a_table_without_geometry(planner_client, database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    path = tmp_path / "facilities.gpkg"
    _write(path, "设施", [shapely.Point(X, Y)], {"name": ["社区卫生站"]}, "Point", driver="GPKG")
    square = shapely.box(X, Y, X + 0.0003, Y + 0.0002)
    _write(
        path, "绿地", [square], {"name": ["口袋公园"]}, "Polygon", driver="GPKG", append=True,
    )  # fmt: skip
    pyogrio.raw.write(
        path, None, [np.array(["x"], dtype=object)], ["note"], layer="备注表", driver="GPKG",
        append=True,
    )  # fmt: skip
    token = _token(planner_client, ws_id, "facilities.gpkg", path.read_bytes())
    page = planner_client.get(f"/console/workshops/{ws_id}/assets/import/{token}").text
    names = re.findall(r"图层「([^」]+)」", page)
    assert set(names) == {"设施", "绿地", "备注表"}
    assert "图层「备注表」没有几何" in page
    fields = {}
    for i, name in enumerate(names):
        if name != "备注表":
            fields[f"layer_{i}_class"] = "social" if name == "设施" else "ecological"
            fields[f"layer_{i}_name"] = "name"
    # The table without geometry is refused by name, and while a refusal stands the
    # import stores nothing (no half import that answers "saved").
    response = _post(planner_client, ws_id, token, "import", **fields)
    assert response.status_code == 422
    assert "图层「备注表」没有几何" in response.text
    assert _stored(database, ws_id) == []


def test_every_feature_is_checked_like_a_pin_and_nothing_is_stored_on_a_problem(
    planner_client, database
) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    far = _point("远处", dx=0.05, 类别="社会")
    multi = {
        "type": "Feature",
        "geometry": {"type": "MultiPoint", "coordinates": [[X, Y], [X + 0.0001, Y]]},
        "properties": {"名称": "两处", "类别": "社会"},
    }
    nameless = _point("", dx=0.0001, 类别="社会")
    data = _geojson([_point("好的", 类别="社会"), far, multi, nameless, _point("x", 类别="水")])
    token = _token(planner_client, ws_id, "mixed.geojson", data)
    preview = _post(planner_client, ws_id, token, layer_0_class="field:类别", layer_0_name="名称")
    text = preview.text
    assert "可导入 1 项资产，4 处问题" in text
    assert "第 2 个要素：这个位置在社区范围外约" in text
    assert "第 3 个要素" in text and "由 2 部分组成的 MultiPoint" in text
    assert "第 4 个要素：请给这个资产起个名字" in text
    assert "第 5 个要素" in text and "类别「水」" in text
    mapped = {"layer_0_class": "social", "layer_0_name": "名称"}
    done = _post(planner_client, ws_id, token, "import", **mapped)
    assert done.status_code == 422
    assert "尚未保存任何资产" in done.text
    assert _stored(database, ws_id) == []


def test_unknown_format_and_zip_without_shp_are_refused(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    assert _upload(planner_client, ws_id, "map.dwg", b"AC1018").status_code == 422
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "no shapefile here")
    response = _upload(planner_client, ws_id, "empty.zip", out.getvalue())
    assert response.status_code == 422
    assert "压缩包里没有 .shp 文件" in response.text


def test_forged_token_and_other_planners_are_refused(client, planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    bad = planner_client.get(f"/console/workshops/{ws_id}/assets/import/..%2F..%2Fetc")
    assert bad.status_code in (404, 422)
    token = _token(planner_client, ws_id, "a.geojson", _geojson([_point("甲")]))
    planner_client.post("/logout")
    response = client.get(
        f"/console/workshops/{ws_id}/assets/import/{token}", follow_redirects=False
    )
    assert response.status_code in (303, 401, 403, 404)


def test_a_closed_workshop_takes_no_import(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database, stage="closed")
    token = _token(planner_client, ws_id, "a.geojson", _geojson([_point("甲")]))
    mapped = {"layer_0_class": "social", "layer_0_name": "名称"}
    done = _post(planner_client, ws_id, token, "import", **mapped)
    assert done.status_code == 422 and "工作坊已结束" in done.text
    assert _stored(database, ws_id) == []


def test_abandoned_uploads_are_deleted_after_a_day(tmp_path) -> None:
    import os
    import time

    from workshop.assets import importing

    old = importing.store_upload(tmp_path, "a.geojson", _geojson([_point("甲")]))
    path = importing.upload_path(tmp_path, old)
    a_day_ago = time.time() - importing.KEEP_SECONDS - 60
    os.utime(path, (a_day_ago, a_day_ago))
    fresh = importing.store_upload(tmp_path, "b.geojson", _geojson([_point("乙")]))
    assert not path.exists()
    assert importing.upload_path(tmp_path, fresh).exists()


def test_the_console_asset_panel_links_the_import(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id = _workshop(planner_client, database)
    panel = planner_client.get(f"/console/workshops/{ws_id}/assets/_panel").text
    assert f'href="/console/workshops/{ws_id}/assets/import"' in panel
    upload = planner_client.get(f"/console/workshops/{ws_id}/assets/import")
    assert upload.status_code == 200 and 'type="file"' in upload.text
    closed = _workshop(planner_client, database, stage="closed")
    panel = planner_client.get(f"/console/workshops/{closed}/assets/_panel").text
    assert "/assets/import" not in panel
