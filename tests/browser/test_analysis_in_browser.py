"""The analysis page and the tablet map on the demo's raster tile pack, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import demo_join_code, log_in_as_demo, wait_until

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 800, "height": 1280}, "has_touch": True, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1440, "height": 1100}, "locale": "zh-CN"}

# Assets around the demo community's centre, as (class, name, east m, north m).
ASSETS = [
    ("social", "阳光幼儿园", -120, 60),
    ("social", "长者食堂", -100, 80),
    ("social", "惠民便利店", -90, 40),
    ("social", "社区党群服务中心", 150, -120),
    ("cultural", "老茶馆", 40, 10),
    ("cultural", "老茶馆门口", 55, 15),
    ("cultural", "黄氏祠堂", -250, -100),
    ("ecological", "黄葛树", 200, 150),
    ("human", "木工", 0, 0),
]
SEED = """
import json, sys
from pyproj import Transformer
from shapely.geometry import shape
from sqlalchemy import select
from workshop.assets.models import Asset
from workshop.config import get_settings
from workshop.db import Database
from workshop.workshops.models import Workshop

assets = json.loads(sys.argv[1])
database = Database(get_settings().resolved_database_url())
with database.unit_of_work() as db:
    ws = db.scalars(select(Workshop).order_by(Workshop.id)).first()
    c = shape(ws.community.boundary).representative_point()
    to_wgs = Transformer.from_proj(
        f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m", "EPSG:4326", always_xy=True
    )
    for cls, name, x, y in assets:
        lon, lat = to_wgs.transform(x, y)
        db.add(Asset(workshop_id=ws.id, asset_class=cls, name=name,
                     geometry={"type": "Point", "coordinates": [lon, lat]}))
database.dispose()
"""


def _only_local(page: Page, base: str) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((base, "data:")) else outside.append(r.url),
    )
    return outside


def test_analysis_page_shows_tables_and_toggles_gap_layers(server, browser, shot):
    import json

    base = server.base_url
    server.cli("-c", SEED, json.dumps(ASSETS))
    ctx = browser.new_context(**DESKTOP)
    page = ctx.new_page()
    outside = _only_local(page, base)
    log_in_as_demo(page, base)
    page.get_by_role("link", name="打开").first.click()
    page.get_by_role("link", name="空间分析").click()
    expect(page.locator("h1")).to_have_text("资产空间分析")
    expect(page.locator("#complete tr", has_text="幼儿园").first).to_contain_text("已标注")
    expect(page.locator("#complete tr", has_text="社区卫生服务站")).to_contain_text("未标注")
    expect(page.locator("#duplicates")).to_contain_text("“老茶馆” · “老茶馆门口”")
    expect(page.locator(".merge-form button")).to_have_count(1)
    # The raster base map comes from the local pack.
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert (
        page.locator("img.leaflet-tile-loaded")
        .first.get_attribute("src")
        .startswith("/tiles/demo/")
    )
    assert page.evaluate("WorkshopCoords.crs") == "wgs84"
    # Toggle the gap layer of human assets at 300 m: one shaded polygon appears.
    config = page.locator("#analysis-config")
    expect(config).to_have_attribute("data-asset-count", str(len(ASSETS)))
    page.get_by_label("在地图上显示 人力资产 300 米覆盖不到的区域").check()
    expect(config).to_have_attribute("data-layers", "1")
    # boundary + one circle per asset + the gap
    expect(page.locator(".analysis-map path")).to_have_count(1 + len(ASSETS) + 1)
    page.get_by_label("在地图上显示 文化资产 500 米覆盖不到的区域").check()
    expect(config).to_have_attribute("data-layers", "2")
    page.locator(".analysis-map").scroll_into_view_if_needed()
    shot(page, "analysis-page")
    page.get_by_label("在地图上显示 人力资产 300 米覆盖不到的区域").uncheck()
    expect(config).to_have_attribute("data-layers", "1")
    page.screenshot(path=str(_artifacts() / "analysis-page-full.png"), full_page=True)
    assert outside == []
    ctx.close()


def test_tablet_map_draws_on_the_demo_raster_pack(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    planner = browser.new_context(**DESKTOP)
    console = planner.new_page()
    log_in_as_demo(console, base)
    console.get_by_role("link", name="打开").first.click()
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile("进入下一环节")).click()
    console.wait_for_load_state()

    tablet_ctx = browser.new_context(**TABLET)
    tablet = tablet_ctx.new_page()
    outside = _only_local(tablet, base)
    tablet.goto(f"{base}/j/{code}")
    tablet.get_by_role("button", name="不选身份，直接加入").click()  # one tap consents and joins
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    tiles = tablet.locator("#map_workshop img.leaflet-tile-loaded")
    expect(tiles.first).to_be_visible()
    # The first tile is not the last: wait until the view's tiles are in (slow under load).
    wait_until(
        tablet,
        "document.querySelectorAll('#map_workshop img.leaflet-tile-loaded').length >= 4",
        timeout=15,
    )
    assert tiles.count() >= 4
    srcs = {tiles.nth(i).get_attribute("src") for i in range(tiles.count())}
    assert all(re.fullmatch(r"/tiles/demo/1[5-8]/\d+/\d+\.png", s) for s in srcs)
    # coords.js: identity on WGS-84 tiles; its GCJ-02 maths agrees with Python's.
    assert tablet.evaluate("WorkshopCoords.toMap([106.54, 29.55])") == [106.54, 29.55]
    gcj = tablet.evaluate("WorkshopCoords.wgs84ToGcj02([121.5272106, 31.1774276])")
    assert gcj == pytest.approx([121.531541859215, 31.17530398364597], abs=1e-9)
    back = tablet.evaluate("WorkshopCoords.gcj02ToWgs84([121.531541859215, 31.17530398364597])")
    assert back == pytest.approx([121.5272106, 31.1774276], abs=1e-8)
    shot(tablet, "tablet-map-raster-pack")
    assert outside == []
    planner.close()
    tablet_ctx.close()


def _artifacts():  # type: ignore[no-untyped-def]
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_gcj02_base_map_shifts_the_drawn_boundary_and_converts_taps(server, browser, shot):
    from workshop.basemaps.gcj02 import wgs84_to_gcj02

    from ..factories import demo_boundary

    base = server.base_url
    server.cli("demo")
    # Online Gaode-style tiles that cannot load here: the vector layers must still show.
    server.cli(
        "base-map", "1", "--kind", "xyz", "--url", "http://127.0.0.1:9/{z}/{x}/{y}.png",
        "--crs", "gcj02",
    )  # fmt: skip
    ctx = browser.new_context(**DESKTOP)
    page = ctx.new_page()
    log_in_as_demo(page, base)
    page.goto(f"{base}/console/workshops/1/analysis")
    assert page.evaluate("WorkshopCoords.crs") == "gcj02"
    first = page.evaluate(
        """() => {
          let found = null;
          window.map_workshop.eachLayer(function (layer) {
            if (layer.options && layer.options.dashArray === "8 6" && layer.getLatLngs) {
              const ll = layer.getLatLngs()[0][0];
              found = [ll.lng, ll.lat];
            }
          });
          return found;
        }"""
    )
    stored = demo_boundary()["coordinates"][0][0]
    assert first == pytest.approx(list(wgs84_to_gcj02(*stored)), abs=1e-9)
    # A tap on the shifted map comes back as the stored WGS-84 position.
    back = page.evaluate(f"WorkshopCoords.fromMap({list(wgs84_to_gcj02(*stored))})")
    assert back == pytest.approx(stored, abs=1e-8)
    expect(page.locator(".analysis-map path").first).to_be_visible()
    shot(page, "analysis-gcj02-offline-tiles")
    ctx.close()
