"""Data exports: GeoJSON by RFC 7946, CSV with BOM and defused formulas, XLSX; anonymous."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from shapely.geometry import LinearRing, shape

from tests.reports.seed import seed_workshop
from workshop.accounts.models import Planner
from workshop.assets.models import Asset
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
    assert rows[0][:5] == ["编号", "类别代码", "类别", "小类代码", "小类"]
    names = [r[5] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(n.startswith("=") for n in names)
    votes = planner_client.get(f"/console/workshops/{ws_id}/export/votes.csv").content
    vote_rows = list(csv.DictReader(io.StringIO(votes.decode("utf-8-sig"))))
    assert {r["居民类别"] for r in vote_rows} >= {"全部", "老年居民", "中青年居民", "商户"}
    everyone = [r for r in vote_rows if r["居民类别"] == "全部"]
    assert len(everyone) == 4  # one per proposal of the one round
    for row in everyone:  # approval: no = the others who voted in the round
        assert int(row["赞成"]) + int(row["反对"]) == int(row["投票人数"])
        assert row["表决方式代码"] == "approval" and row["表决方式"] == "赞成投票（可多选）"
        groups = [
            r for r in vote_rows if r["提案编号"] == row["提案编号"] and r["居民类别"] != "全部"
        ]
        assert sum(int(r["赞成"]) for r in groups) == int(row["赞成"])
        assert sum(int(r["投票人数"]) for r in groups) == int(row["投票人数"])
    for table in ("assets", "proposals", "votes"):
        text = planner_client.get(f"/console/workshops/{ws_id}/export/{table}.csv").text
        assert not any(s and s in text for s in secrets)


def test_csv_times_are_china_time_with_offset_and_codes_sit_beside_labels(
    planner_client, database
) -> None:  # type: ignore[no-untyped-def]
    ws_id, _ = _seeded(planner_client, database)
    with database.unit_of_work(write=False) as db:
        created = {a.id: a.created_at for a in db.query(Asset).filter_by(workshop_id=ws_id)}
    raw = planner_client.get(f"/console/workshops/{ws_id}/export/assets.csv").content
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    for row in rows:
        stamp = datetime.fromisoformat(row["标注时间（北京时间）"])
        assert stamp.utcoffset() == timedelta(hours=8)
        assert row["标注时间（北京时间）"].endswith("+08:00")
        assert stamp == created[int(row["编号"])].replace(microsecond=0)  # the same moment
    proposals = planner_client.get(f"/console/workshops/{ws_id}/export/proposals.csv")
    prows = list(csv.DictReader(io.StringIO(proposals.content.decode("utf-8-sig"))))
    assert {(r["状态代码"], r["状态"]) for r in prows} == {("open", "公开")}
    assert {r["有位置"] for r in prows} == {"是", "否"}


def test_headers_and_labels_follow_the_chosen_language(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, _ = _seeded(planner_client, database)
    raw = planner_client.get(f"/console/workshops/{ws_id}/export/assets.csv?lang=en").content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["ID", "Class code", "Class", "Subtype code", "Subtype"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in "".join(rows[0]))
    assert {r[2] for r in rows[1:]} <= {"Ecological", "Cultural", "Social", "Human"}
    book = load_workbook(
        io.BytesIO(planner_client.get(f"/console/workshops/{ws_id}/export/workshop.xlsx").content)
    )
    assert book.sheetnames == ["Assets", "Proposals", "Votes"]
    assert [c.value for c in book["Votes"][1]][:6] == [
        "Round", "Method code", "Method", "Proposal ID", "Proposal", "Resident group"
    ]  # fmt: skip


def test_xlsx_sheets_and_anonymity(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, secrets = _seeded(planner_client, database)
    response = planner_client.get(f"/console/workshops/{ws_id}/export/workshop.xlsx?lang=zh-CN")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["社区资产", "提案", "表决汇总"]
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # no formula, ever
    formula_text = [c for c in cells if c.value == '=HYPERLINK("http://x")']
    assert len(formula_text) == 1  # shown as typed: no visible apostrophe
    assert formula_text[0].data_type == "s" and formula_text[0].quotePrefix
    assert not any(isinstance(c.value, str) and c.value.startswith("'=") for c in cells)
    assert not any(s and s in str(c.value) for s in secrets for c in cells)
    assert book["提案"].max_row == 5
    assets = book["社区资产"]
    head = [c.value for c in assets[1]]
    stamp = assets.cell(2, head.index("标注时间（北京时间）") + 1)
    assert isinstance(stamp.value, datetime) and stamp.is_date  # a typed Excel date-time
    share = book["提案"].cell(2, [c.value for c in book["提案"][1]].index("支持率") + 1)
    assert isinstance(share.value, float) and share.number_format == "0.0%"


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
    rows = {"assets": [], "proposals": [{"id": 1, "title": nasty}], "votes": []}
    book = load(io.BytesIO(workbook_xlsx(rows)))
    assert book["提案"]["B2"].value == "铃\ufffd声\ufffd响\ufffd"
    content = make_content()
    content["proposals"][0]["title"] = nasty
    assert report_docx(content).startswith(b"PK")


def test_every_export_column_and_sheet_is_named_in_both_languages() -> None:
    from workshop.exports import TABLES
    from workshop.i18n import MESSAGES

    for locale in ("zh-CN", "en"):
        for table, columns in TABLES.items():
            assert f"export.sheet.{table}" in MESSAGES[locale]
            for key in columns:
                assert f"export.col.{key}" in MESSAGES[locale], (locale, key)
