"""Data exports: GeoJSON by RFC 7946, CSV with BOM and defused formulas, XLSX; anonymous."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from shapely.geometry import LinearRing, shape

from tests.reports.seed import seed_workshop
from workshop.accounts.models import Planner
from workshop.workshops.models import Participant

from ..factories import PASSWORD, make_planner


def _seeded(planner_client, database) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        workshop = seed_workshop(db, n_assets=20, n_proposals=4, planner=planner)
        secrets = [t for p in db.query(Participant).all() for t in (p.token, p.nickname)]
        return workshop.id, secrets


def _coords(geometry: dict) -> list[list[float]]:
    c = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [c]
    if geometry["type"] == "LineString":
        return c
    return [pt for ring in c for pt in ring]


def test_geojson_follows_rfc7946(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, _ = _seeded(planner_client, database)
    response = planner_client.get(f"/console/workshops/{ws_id}/export/assets.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection" and "crs" not in data
    types = {f["geometry"]["type"] for f in data["features"]}
    assert types == {"Point", "LineString", "Polygon"}
    assert len(data["features"]) == 20
    for feature in data["features"]:
        geometry = feature["geometry"]
        for lon, lat in _coords(geometry):  # lon/lat order: Chongqing-ish demo data
            assert 73 < lon < 135 and 18 < lat < 54
        if geometry["type"] == "Polygon":
            exterior = geometry["coordinates"][0]
            assert exterior[0] == exterior[-1]
            assert LinearRing(exterior).is_ccw  # seeded clockwise; exported CCW
            for hole in geometry["coordinates"][1:]:
                assert not LinearRing(hole).is_ccw
        assert shape(geometry).is_valid
    proposals = planner_client.get(f"/console/workshops/{ws_id}/export/proposals.geojson").json()
    assert len(proposals["features"]) == 2  # only those with a location
    assert proposals["features"][0]["properties"]["title"].startswith("提案")


def test_csv_has_bom_and_defuses_formulas(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, secrets = _seeded(planner_client, database)
    raw = planner_client.get(f"/console/workshops/{ws_id}/export/assets.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "类别代码", "类别"]
    names = [r[4] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(n.startswith("=") for n in names)
    votes = planner_client.get(f"/console/workshops/{ws_id}/export/votes.csv").content
    vote_rows = list(csv.reader(io.StringIO(votes.decode("utf-8-sig"))))
    assert vote_rows[0][4] == "居民类别"
    assert {r[4] for r in vote_rows[1:]} >= {"老年居民", "中青年居民", "商户"}
    assert sum(int(r[5]) for r in vote_rows[1:]) == 4 * 8  # every ballot, aggregated
    for table in ("assets", "proposals", "votes"):
        text = planner_client.get(f"/console/workshops/{ws_id}/export/{table}.csv").text
        assert not any(s and s in text for s in secrets)


def test_xlsx_sheets_and_anonymity(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, secrets = _seeded(planner_client, database)
    response = planner_client.get(f"/console/workshops/{ws_id}/export/workshop.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["社区资产", "提案", "表决汇总"]
    values = [
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(v.startswith("=") for v in values)
    assert not any(s and s in v for s in secrets for v in values)
    assert book["提案"].max_row == 5


def test_exports_are_for_the_workshops_planners_only(client, planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, _ = _seeded(planner_client, database)
    exports = [
        f"/console/workshops/{ws_id}/export/{name}"
        for name in (
            "assets.geojson",
            "proposals.geojson",
            "assets.csv",
            "proposals.csv",
            "votes.csv",
            "workshop.xlsx",
        )
    ]
    # Another planner, logged in: the workshop does not exist for them.
    with database.unit_of_work() as db:
        other = make_planner(db)
    stranger = TestClient(client.app)
    login = stranger.post("/login", data={"username": other.username, "password": PASSWORD})
    assert login.status_code == 200
    for url in exports:
        response = stranger.get(url, follow_redirects=False)
        assert response.status_code == 404, url
        assert b"FeatureCollection" not in response.content and b"PK" not in response.content[:2]
    # Nobody logged in: sent to the login page.
    planner_client.post("/logout")
    for url in exports:
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login"), url
    assert planner_client is client  # the same client, now logged out


def test_control_characters_do_not_break_xlsx_or_docx() -> None:
    from openpyxl import load_workbook as load

    from tests.reports.test_render import make_content
    from workshop.exports.service import workbook_xlsx
    from workshop.reports import report_docx

    nasty = "铃\x07声\x00响\x1b"
    rows = {
        "assets": [],
        "proposals": [
            {
                "id": 1,
                "title": nasty,
                "description": "",
                "status": "open",
                "merged_into_id": "",
                "has_location": "否",
                "created_at": "",
            }
        ],
        "votes": [],
    }
    book = load(io.BytesIO(workbook_xlsx(rows)))
    assert book["提案"]["B2"].value == "铃\ufffd声\ufffd响\ufffd"
    content = make_content()
    content["proposals"][0]["title"] = nasty
    assert report_docx(content).startswith(b"PK")
