"""The community asset inventory in a real browser: the import steps from the community
page, the page's map and table, and the projector's reference layer (CSP-clean)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from .pages import log_in_as_demo

pytestmark = pytest.mark.browser
DEMO = Path(__file__).resolve().parents[2] / "maps" / "demo"


def _survey(tmp_path: Path) -> Path:
    raw = json.loads((DEMO / "boundary.geojson").read_text(encoding="utf-8"))
    geometry = raw["features"][0]["geometry"] if "features" in raw else raw.get("geometry", raw)
    c = shape(geometry).representative_point()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.x + dx, c.y + dy]},
            "properties": {"名称": name, "类别": cls},
        }
        for name, cls, dx, dy in (
            ("黄葛古树", "生态", -0.0004, 0.0002),
            ("老茶馆", "文化", 0.0002, -0.0003),
            ("社区卫生站", "社会", 0.0005, 0.0001),
        )
    ]
    path = tmp_path / "2025年调查.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_import_from_the_community_page_and_see_it_on_the_maps(server, browser, shot, tmp_path):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    log_in_as_demo(page, server.base_url)

    page.goto(f"{server.base_url}/console/communities/1")
    page.get_by_role("link", name="导入资产到底册").click()
    page.wait_for_url("**/inventory/import")
    page.set_input_files("input[name=file]", str(_survey(tmp_path)))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url("**/inventory/import/*")
    page.get_by_role("button", name="预览").click()
    page.wait_for_selector("#import-summary")
    assert "可导入 3 项资产，0 处问题" in page.inner_text("#import-summary")
    page.get_by_role("button", name="导入 3 项").click()
    page.wait_for_url("**/console/communities/1?imported=3*")

    table = page.inner_text("#inventory-table")
    assert "黄葛古树" in table and "社区卫生站" in table
    # three hollow dashed circles on the page's map
    page.wait_for_selector("#inventory-map path.leaflet-interactive[stroke-dasharray='4 4']")
    circles = page.locator("#inventory-map path.leaflet-interactive[stroke-dasharray='4 4']")
    assert circles.count() == 3
    shot(page, "inventory-community-page")

    page.goto(f"{server.base_url}/console/workshops/1/projector")
    dashed = page.locator(".leaflet-container path.leaflet-interactive[stroke-dasharray='4 4']")
    dashed.first.wait_for()
    assert dashed.count() == 3
    assert page.get_by_text("社区资产底册（参考）").is_visible()
    shot(page, "inventory-projector")
    # No CSP or script errors; a tile outside the demo pack is a 404 transparent image.
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
    assert [u for u in failed if "/tiles/" not in u] == []
    page.close()
