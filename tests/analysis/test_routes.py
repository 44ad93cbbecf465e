"""The analysis page and its gap layers, through the app (planner only)."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from shapely.geometry import shape

from workshop.analysis.service import analyse, is_merged
from workshop.assets.models import Asset
from workshop.workshops.models import Workshop

from ..factories import make_community, make_planner, make_workshop
from ..web.helpers import text_of
from .square import at, boundary

KEYS = {
    "area_ha",
    "by_class",
    "by_subtype",
    "coverage",
    "duplicates",
    "clusters",
    "complete_community",
    "params",
}


def _asset(db, workshop, cls, name, x, y):  # type: ignore[no-untyped-def]
    asset = Asset(
        workshop_id=workshop.id,
        asset_class=cls,
        name=name,
        geometry={"type": "Point", "coordinates": at(x, y)},
    )
    db.add(asset)
    db.flush()
    return asset.id


@pytest.fixture
def square_workshop(planner_client, database):  # type: ignore[no-untyped-def]
    """A mapping workshop of the planner's on the 1 km square, with a few assets."""
    with database.unit_of_work() as db:
        community = make_community(db, boundary=boundary(), base_layers=None)
        ws = make_workshop(db, planner=planner_client.planner, community=community)
        ids = {
            "temple": _asset(db, ws, "cultural", "祠堂", 0, 0),
            "tea": _asset(db, ws, "human", "老茶馆", 200, 200),
            "tea2": _asset(db, ws, "human", "老茶馆门口", 220, 200),
            "kg": _asset(db, ws, "social", "阳光幼儿园", -500, -500),
        }
        return ws.id, ids


def test_page_needs_a_login(client, square_workshop):
    ws_id, _ = square_workshop
    client.post("/logout")
    response = client.get(f"/console/workshops/{ws_id}/analysis", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_other_planners_get_404(planner_client, database):
    with database.unit_of_work() as db:
        other = make_workshop(db, planner=make_planner(db)).id
    assert planner_client.get(f"/console/workshops/{other}/analysis").status_code == 404
    gaps = planner_client.get(
        f"/console/workshops/{other}/analysis/gaps.geojson?asset_class=social&radius=300"
    )
    assert gaps.status_code == 404


def test_page_shows_tables_coverage_duplicates_and_the_check(planner_client, square_workshop):
    ws_id, ids = square_workshop
    response = planner_client.get(f"/console/workshops/{ws_id}/analysis")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "社区面积 100.0 公顷，参与分析的资产 4 项" in text
    # Cultural: a disc of 300 m at the centre of 100 ha covers π·9 % ≈ 28.2 %.
    assert re.search(r"文化资产 28\.2% 78\.4% 100\.0%", text)
    # Social: one asset in a corner, quarter discs: π·9 %/4, π·25 %/4, π/4 (64-gons).
    assert re.search(r"社会资产 7\.1% 19\.6% 78\.4%", text)
    assert "“老茶馆” · “老茶馆门口” （相距 20 米）" in text
    assert re.search(r"幼儿园\s+已标注\s+阳光幼儿园", text)
    assert re.search(r"社区卫生服务站\s+未标注", text)
    # One merge form per candidate, posting to the assets area's merge route.
    action = f"/console/workshops/{ws_id}/assets/{ids['tea']}/merge"
    form = re.search(
        r'<form method="post" action="([^"]+)" hx-post="([^"]+)"[^>]*>(.*?)</form>',
        response.text,
        re.S,
    )
    assert form and form.group(1) == form.group(2) == action
    assert f'name="other_id" value="{ids["tea2"]}"' in form.group(3)
    # The map, its datum marker and a toggle per class and radius.
    assert 'id="map_workshop"' in response.text
    assert '<meta name="workshop-map-crs" content="wgs84">' in response.text
    assert response.text.count("data-gap-radius=") == 12


def test_gap_layer_is_rfc7946_lon_lat(planner_client, square_workshop):
    ws_id, _ = square_workshop
    url = f"/console/workshops/{ws_id}/analysis/gaps.geojson"
    response = planner_client.get(url, params={"asset_class": "cultural", "radius": 300})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["type"] == "Feature"
    assert feature["properties"] == {
        "asset_class": "cultural",
        "radius_m": 300,
        "area_m2": pytest.approx(1e6 * (1 - 0.2827), abs=2000),
    }
    geom = feature["geometry"]
    assert geom["type"] == "Polygon" and len(geom["coordinates"]) == 2  # a hole at the centre
    outer = geom["coordinates"][0]
    assert outer[0] == outer[-1]
    assert all(106.5 < lon < 106.6 and 29.5 < lat < 29.6 for lon, lat in outer)  # lon, lat
    poly = shape(geom)
    assert poly.is_valid and poly.exterior.is_ccw and not poly.interiors[0].is_ccw
    # 1,000 m of the centre covers the whole square: no gap.
    full = planner_client.get(url, params={"asset_class": "cultural", "radius": 1000}).json()
    assert full == {"type": "FeatureCollection", "features": []}


def test_gap_layer_refuses_unknown_class_or_radius(planner_client, square_workshop):
    ws_id, _ = square_workshop
    url = f"/console/workshops/{ws_id}/analysis/gaps.geojson"
    bad_radius = planner_client.get(
        url, params={"asset_class": "social", "radius": 400}, headers={"Accept": "application/json"}
    )
    assert bad_radius.status_code == 422
    assert bad_radius.json() == {
        "detail": "距离只能是 300、500 或 1000 米。",
        "code": "analysis.unknown_radius",
    }
    bad_class = planner_client.get(
        url, params={"asset_class": "magic", "radius": 300}, headers={"Accept": "application/json"}
    )
    assert bad_class.status_code == 422 and bad_class.json()["code"] == "asset.unknown_class"


def test_analysis_as_dict_has_exactly_the_agreed_keys(square_workshop, database):
    ws_id, ids = square_workshop
    with database.unit_of_work(write=False) as db:
        result = analyse(db, db.get(Workshop, ws_id)).as_dict()
    assert set(result) == KEYS
    assert json.loads(json.dumps(result)) == result
    assert result["area_ha"] == pytest.approx(100.0, abs=0.01)
    assert result["duplicates"] == [
        {
            "asset_ids": [ids["tea"], ids["tea2"]],
            "names": ["老茶馆", "老茶馆门口"],
            "distance_m": 20.0,
        }
    ]
    assert {r["asset_class"] for r in result["by_class"]} == {
        "ecological",
        "cultural",
        "social",
        "human",
    }
    assert set(result["by_class"][0]) == {"asset_class", "count", "length_m", "area_m2", "per_ha"}
    assert set(result["coverage"][0]) == {"asset_class", "radius_m", "share"}
    assert set(result["complete_community"][0]) == {"facility", "present", "asset_ids"}


def test_merged_assets_are_left_out():
    assert is_merged(SimpleNamespace(merged_into_id=7))
    assert not is_merged(SimpleNamespace(merged_into_id=None))
    assert not is_merged(SimpleNamespace())


def test_a_workshop_without_assets_has_a_page_and_one_whole_gap(planner_client, database):
    with database.unit_of_work() as db:
        community = make_community(db, boundary=boundary(), base_layers=None)
        ws_id = make_workshop(db, planner=planner_client.planner, community=community).id
    page = planner_client.get(f"/console/workshops/{ws_id}/analysis")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "没有发现疑似重复的资产。" in text and "没有形成聚集的资产。" in text
    gaps = planner_client.get(
        f"/console/workshops/{ws_id}/analysis/gaps.geojson",
        params={"asset_class": "social", "radius": 500},
    ).json()
    (feature,) = gaps["features"]
    assert feature["properties"]["area_m2"] == pytest.approx(1e6, rel=1e-4)
