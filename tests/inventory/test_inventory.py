"""A community's standing inventory (社区资产底册): imported from GIS files with the
workshop import's steps, shown on the community page and, read-only, on the maps of the
community's workshops; exported; every change logged with who and when."""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from sqlalchemy import select

from tests.factories import PASSWORD, demo_centre, make_community, make_planner, make_workshop
from tests.web.helpers import join, text_of
from workshop.accounts.models import Planner
from workshop.assets.models import Asset
from workshop.city import service as city
from workshop.city.models import ActivityLog
from workshop.inventory.models import CommunityAsset

X, Y = demo_centre()


def _community(database, planner_id: int) -> int:  # type: ignore[no-untyped-def]
    """A laptop community the planner created (so the planner may edit it)."""
    with database.unit_of_work() as db:
        return make_community(db, created_by=planner_id).id


def _base(cid: int) -> str:
    return f"/console/communities/{cid}/inventory/import"


def _token(client, cid: int, name: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    response = client.post(
        _base(cid), files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _post(client, cid: int, token: str, action: str = "preview", **fields: str):  # type: ignore[no-untyped-def]
    data = {k.replace("_", "-"): v for k, v in fields.items()}
    if action == "import":
        data["do_import"] = "1"
    return client.post(f"{_base(cid)}/{token}", data=data, follow_redirects=False)


def _inventory(database, cid: int) -> list[CommunityAsset]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        stmt = select(CommunityAsset).where(CommunityAsset.community_id == cid)
        rows = list(db.scalars(stmt.order_by(CommunityAsset.id)))
        db.expunge_all()
        return rows


def _log(database, cid: int) -> list[tuple[str, int | None, dict | None]]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        stmt = select(ActivityLog).where(ActivityLog.community_id == cid).order_by(ActivityLog.id)
        return [(r.action, r.actor_id, r.detail) for r in db.scalars(stmt)]


def _on_map(page: str, text: str) -> bool:
    """Is `text` in the page's map data (folium writes JSON with \\u escapes)?"""
    return json.dumps(text)[1:-1] in page or text in page


def _point(name: str, dx: float = 0.0, z: float | None = None, **props: str) -> dict:
    coords = [X + dx, Y] + ([z] if z is not None else [])
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coords},
        "properties": {"名称": name, **props},
    }


def _geojson(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _import_geojson(client, cid: int, *features: dict):  # type: ignore[no-untyped-def]
    token = _token(client, cid, "survey.geojson", _geojson(*features))
    mapping = {"layer_0_class": "field:类别", "layer_0_name": "名称", "layer_0_description": ""}
    return _post(client, cid, token, "import", **mapping)


def test_geojson_is_mapped_previewed_imported_and_logged(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    cid = _community(database, planner_client.planner.id)
    page = planner_client.get(f"/console/communities/{cid}")
    assert page.status_code == 200
    assert 'id="inventory"' in page.text and "底册中还没有资产" in page.text
    assert f'href="{_base(cid)}"' in page.text  # the import link, for an editor
    data = _geojson(
        _point("黄葛树", 0, z=301.0, 类别="生态"), _point("老茶馆", 0.0003, 类别="文化")
    )
    token = _token(planner_client, cid, "survey.geojson", data)
    mapping_page = planner_client.get(f"{_base(cid)}/{token}")
    assert mapping_page.status_code == 200
    assert "导入资产到社区资产底册" in mapping_page.text
    assert re.search(r'<option value="field:类别"\s+selected', mapping_page.text)
    assert 'name="replace"' in mapping_page.text
    mapping = {"layer_0_class": "field:类别", "layer_0_name": "名称"}
    preview = _post(planner_client, cid, token, **mapping)
    assert "可导入 2 项资产，0 处问题" in preview.text
    assert _inventory(database, cid) == []  # a preview stores nothing
    done = _post(planner_client, cid, token, "import", **mapping)
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/communities/{cid}?imported=2#inventory"
    rows = _inventory(database, cid)
    assert [(a.name, a.asset_class, a.source) for a in rows] == [
        ("黄葛树", "ecological", "survey.geojson"),
        ("老茶馆", "cultural", "survey.geojson"),
    ]
    assert rows[0].geometry["coordinates"] == [round(X, 7), round(Y, 7)]  # Z dropped
    assert rows[0].created_by == planner_client.planner.id
    action, actor, detail = _log(database, cid)[-1]
    assert (action, actor) == ("inventory.import", planner_client.planner.id)
    assert detail is not None and detail["count"] == 2
    assert detail["classes"] == {"ecological": 1, "cultural": 1}
    # the community page: count per class, the table, the map, the change log
    page = planner_client.get(done.headers["location"])
    counts = re.search(r'id="inventory-counts">(.*?)</ul>', page.text, re.S)
    assert counts is not None
    assert re.search(r'data-class="ecological">.*?<span class="count">1</span>', counts.group(1))
    assert re.search(r'data-class="social">.*?<span class="count">0</span>', counts.group(1))
    table = text_of(page.text.split('id="inventory-table"', 1)[1].split("</table>", 1)[0])
    assert "黄葛树" in table and "老茶馆" in table and "生态" in table
    assert _on_map(page.text, "底册：黄葛树")  # the map's tooltip data
    assert "已导入 2 项资产到底册" in page.text


def test_a_geopackage_layer_imports_with_its_source(planner_client, database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = _community(database, planner_client.planner.id)
    path = tmp_path / "facilities.gpkg"
    geoms = [shapely.Point(X, Y), shapely.box(X, Y, X + 0.0003, Y + 0.0002)]
    for layer, geom, name, kind in (
        ("设施", geoms[0], "社区卫生站", "Point"),
        ("绿地", geoms[1], "口袋公园", "Polygon"),
    ):
        pyogrio.raw.write(
            path, np.array([shapely.to_wkb(geom)], dtype=object),
            [np.array([name], dtype=object)], ["name"], layer=layer, geometry_type=kind,
            crs="EPSG:4326", driver="GPKG", append=path.exists(),
        )  # fmt: skip
    token = _token(planner_client, cid, "facilities.gpkg", path.read_bytes())
    page = planner_client.get(f"{_base(cid)}/{token}").text
    names = re.findall(r"图层「([^」]+)」", page)
    fields = {}
    for i, name in enumerate(names):
        fields[f"layer_{i}_class"] = "social" if name == "设施" else "ecological"
        fields[f"layer_{i}_name"] = "name"
    assert _post(planner_client, cid, token, "import", **fields).status_code == 303
    rows = {a.name: a for a in _inventory(database, cid)}
    assert rows["社区卫生站"].source == "facilities.gpkg · 设施"
    assert rows["口袋公园"].geometry["type"] == "Polygon"


def test_replace_swaps_the_inventory_and_remove_takes_one_out(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    cid = _community(database, planner_client.planner.id)
    _import_geojson(planner_client, cid, _point("旧调查", 类别="社会"))
    token = _token(planner_client, cid, "new.geojson", _geojson(_point("新调查", 类别="社会")))
    mapping = {"layer_0_class": "field:类别", "layer_0_name": "名称", "replace": "on"}
    assert _post(planner_client, cid, token, "import", **mapping).status_code == 303
    [row] = _inventory(database, cid)
    assert row.name == "新调查"
    assert _log(database, cid)[-1][2]["removed"] == 1  # type: ignore[index]
    done = planner_client.post(
        f"/console/communities/{cid}/inventory/{row.id}/remove", follow_redirects=False
    )
    assert done.status_code == 303
    assert _inventory(database, cid) == []
    action, actor, detail = _log(database, cid)[-1]
    assert (action, actor, detail["name"]) == (  # type: ignore[index]
        "inventory.remove", planner_client.planner.id, "新调查",
    )  # fmt: skip
    page = planner_client.get(f"/console/communities/{cid}").text
    changes = text_of(page.split('id="changes"', 1)[1])
    assert "从资产底册移除 · 新调查" in changes and "导入资产底册" in changes


def test_a_bad_file_gets_a_clear_message_and_changes_nothing(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    cid = _community(database, planner_client.planner.id)
    _import_geojson(planner_client, cid, _point("保留的", 类别="社会"))
    before = (_inventory(database, cid), _log(database, cid))
    broken = planner_client.post(
        _base(cid), files={"file": ("survey.geojson", b"{not json", "application/geo+json")},
        headers={"Accept": "text/html"}, follow_redirects=False,
    )  # fmt: skip
    assert broken.status_code == 422
    assert "文件无法解析：不是有效的 GeoJSON 文件" in broken.text
    far = _point("远处", dx=0.05, 类别="社会")
    token = _token(planner_client, cid, "far.geojson", _geojson(_point("好的", 类别="社会"), far))
    mapping = {"layer_0_class": "field:类别", "layer_0_name": "名称", "replace": "on"}
    refused = _post(planner_client, cid, token, "import", **mapping)
    assert refused.status_code == 422
    assert "图层「GeoJSON」第 2 个要素：这个位置在社区范围外约" in refused.text
    assert "尚未保存任何资产" in refused.text
    after = (_inventory(database, cid), _log(database, cid))
    assert [a.name for a in after[0]] == [a.name for a in before[0]] == ["保留的"]
    assert after[1] == before[1]  # nothing logged either


def test_who_may_import_see_and_export(client, database) -> None:  # type: ignore[no-untyped-def]
    """The street office and a planner under agreement may; a planner without one, or the
    office of another street, gets a 404 that does not say the community exists."""
    with database.unit_of_work() as db:
        office = city.create_street_office(db, by=None, name="甲街道办")
        other = city.create_street_office(db, by=None, name="乙街道办")
        cid = make_community(db, street_office_id=office.id).id
        community = db.get(type(make_community(db)), cid)
        lead = make_planner(db, username="lead")
        city.sign_agreement(db, by=None, planner=lead, community=community)
        make_planner(db, username="outsider")
        for name, office_id in (("office", office.id), ("office_other", other.id)):
            user = make_planner(db, username=name)
            user.role, user.street_office_id = "street_office", office_id
    data = _geojson(_point("卫生站", 类别="社会"))
    urls = [
        ("get", _base(cid)),
        ("get", f"/console/communities/{cid}/inventory.geojson"),
        ("get", f"/console/communities/{cid}/inventory.gpkg"),
        ("get", f"/console/communities/{cid}/inventory.shp.zip"),
        ("get", f"/console/communities/{cid}/inventory.csv"),
        ("get", f"/console/communities/{cid}"),
    ]
    for username, allowed in (("outsider", False), ("office_other", False), ("office", True),
                              ("lead", True)):  # fmt: skip
        client.cookies.clear()
        login = client.post("/login", data={"username": username, "password": PASSWORD})
        assert login.status_code in (200, 303)
        for method, url in urls:
            answer = getattr(client, method)(url)
            assert (answer.status_code == 200) is allowed, (username, url, answer.status_code)
            if not allowed:
                assert answer.status_code == 404
        upload = client.post(
            _base(cid), files={"file": ("a.geojson", data, "application/geo+json")},
            follow_redirects=False,
        )  # fmt: skip
        assert (upload.status_code == 303) is allowed, (username, upload.status_code)
    assert _inventory(database, cid) == []  # uploads wait for their mapping


def test_a_workshop_shows_the_inventory_read_only_without_copying_it(
    planner_client, database
) -> None:  # type: ignore[no-untyped-def]
    cid = _community(database, planner_client.planner.id)
    _import_geojson(planner_client, cid, _point("黄葛树", 类别="生态"))
    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        community = db.get(type(make_community(db)), cid)
        ws = make_workshop(db, stage="mapping", planner=planner, community=community)
        ws_id, code = ws.id, ws.join_code
    projector = planner_client.get(f"/console/workshops/{ws_id}/projector")
    assert projector.status_code == 200
    assert _on_map(projector.text, "底册：黄葛树")  # the reference layer's data
    assert '"dashArray": "4 4"' in projector.text  # dashed: apart from the meeting's pins
    assert "社区资产底册（参考）" in projector.text  # and named in the legend
    # the meeting's own assets stay its own: nothing copied in
    with database.unit_of_work() as db:
        assert db.scalars(select(Asset).where(Asset.workshop_id == ws_id)).all() == []
    feed = planner_client.get(f"/console/workshops/{ws_id}/assets.geojson").json()
    assert feed["features"] == []
    # a resident's tablet
    planner_client.cookies.clear()
    join(planner_client, code)
    tablet = planner_client.get(f"/w/{code}")
    assert tablet.status_code == 200
    assert _on_map(tablet.text, "底册：黄葛树") and "社区资产底册（参考）" in tablet.text


def test_exports_read_back_as_gis_files(planner_client, database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = _community(database, planner_client.planner.id)
    line = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[X, Y], [X + 0.0004, Y + 0.0001]]},
        "properties": {"名称": "滨江步道", "类别": "生态"},
    }
    _import_geojson(planner_client, cid, _point("老茶馆", 类别="文化"), line)
    answer = planner_client.get(f"/console/communities/{cid}/inventory.geojson")
    assert answer.headers["content-type"].startswith("application/geo+json")
    collection = answer.json()
    props = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    assert props["老茶馆"]["class_label"] == "文化资产"
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Point", "LineString"}
    gpkg = tmp_path / "inventory.gpkg"
    gpkg.write_bytes(planner_client.get(f"/console/communities/{cid}/inventory.gpkg").content)
    assert {str(n) for n, _k in pyogrio.list_layers(gpkg)} == {"points", "lines", "polygons"}
    _meta, _fids, _geoms, values = pyogrio.raw.read(gpkg, layer="lines")
    assert list(values[5]) == ["滨江步道"]
    shp = planner_client.get(f"/console/communities/{cid}/inventory.shp.zip").content
    names = zipfile.ZipFile(io.BytesIO(shp)).namelist()
    assert f"community-{cid}-inventory-points.cpg" in names
    csv = planner_client.get(f"/console/communities/{cid}/inventory.csv").content
    assert "老茶馆" in csv.decode("utf-8-sig") and "滨江步道" in csv.decode("utf-8-sig")


def test_the_source_names_the_uploaded_file_never_as_a_path(tmp_path) -> None:
    from workshop.assets import importing

    token = importing.store_upload(
        tmp_path, "C:\\调查\\..\\2025年\x07调查.geojson", _geojson(_point("甲", 类别="社会"))
    )
    assert importing.upload_name(tmp_path, token) == "2025年调查.geojson"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{token}.geojson", f"{token}.name"]
    importing.forget_upload(tmp_path, token)
    assert list(tmp_path.iterdir()) == []
