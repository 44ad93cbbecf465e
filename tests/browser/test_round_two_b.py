"""Issue 18, points 7-11 and two of point 12, in Chromium: the address guard, the drawing
help text, the console at 1366×768, the poster, the map at scale, tile seams and the
verify button. Screenshots go to test-artifacts/ (round2-*.png)."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from . import scale
from .pages import wait_until

pytestmark = pytest.mark.browser
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "locale": "zh-CN"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def _in_view(page: Page, locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    size = page.viewport_size
    assert box and size
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def _tablet(browser, server, code: str, **extra):  # type: ignore[no-untyped-def]
    page = browser.new_context(**(TABLET | extra)).new_page()
    scale.join(page, server.base_url, code)
    expect(page.locator("#map-config")).to_have_attribute("data-count", re.compile(r"\d+"))
    return page


# --- 7: the address guard ------------------------------------------------------------------
@pytest.mark.parametrize("address", ["3号楼501", "Unit 2, Room 501"])
def test_a_human_asset_with_a_home_address_is_refused_and_a_skill_is_saved(
    server, browser, shot, address
):
    code, _ = scale.seed(server, 0)
    tablet = _tablet(browser, server, code)
    box = tablet.locator("#map_workshop").bounding_box()
    assert box
    form = tablet.locator("#asset-form")
    tries = ((f"修电器 {address}", "周末上午"), ("教书法", "教书30年，每周二下午"))
    for name, description in tries:
        tablet.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(form).to_have_class(re.compile("picked"))
        form.get_by_text("人力资产", exact=True).click()
        tablet.get_by_label(re.compile("名称")).fill(name)
        tablet.get_by_label(re.compile("说明")).fill(description)
        tablet.get_by_role("button", name="保存").click()
        if name.startswith("修电器"):
            expect(tablet.locator("#asset-result")).to_contain_text("人力资产不记录住址")
            shot(tablet, "round2-7-address-refused")
            expect(tablet.locator("#map-config")).to_have_attribute("data-count", "0")
    expect(tablet.locator("#asset-result")).to_contain_text("已添加：教书法")
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", "1")


# --- 8: Leaflet.draw's help text -------------------------------------------------------------
@pytest.mark.parametrize(
    ("context", "button", "start", "cont"),
    [
        (TABLET, "面", "轻触地图开始画范围", "轻触继续画下一个角"),
        (
            {"viewport": {"width": 1366, "height": 900}, "locale": "en"},
            "Area",
            "Click the map to start the area.",
            "Click to add the next corner.",
        ),
    ],
)
def test_drawing_help_is_in_the_interface_language_with_tap_wording_on_touch(
    server, browser, shot, context, button, start, cont
):
    code, _ = scale.seed(server, 0)
    page = browser.new_context(**context).new_page()
    scale.join(page, server.base_url, code)
    page.get_by_role("button", name=button, exact=True).click()
    box = page.locator("#map_workshop").bounding_box()
    assert box
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tip = page.locator(".leaflet-draw-tooltip")
    page.mouse.move(cx - 40, cy - 40)  # the tooltip follows the pointer
    expect(tip).to_contain_text(start)
    if context.get("has_touch"):
        page.touchscreen.tap(cx - 60, cy - 40)
    else:
        page.mouse.click(cx - 60, cy - 40)
    expect(tip).to_contain_text(cont)
    assert "Click first point" not in page.content()
    shot(page, f"round2-8-draw-help-{context['locale']}")


# --- 9: the console at 1366×768 -------------------------------------------------------------
def test_console_controls_stay_in_view_and_create_is_on_screen(server, browser, shot):
    code = server.voting_workshop(proposals=30)
    planner = browser.new_context(**LAPTOP)
    page = planner.new_page()
    scale.login(page, server.base_url)
    create = page.get_by_role("button", name="创建")
    expect(create).to_be_visible()
    assert _in_view(page, create)
    shot(page, "round2-9-console-list")

    page.locator("tr", has_text="投票").get_by_role("link", name="打开").first.click()
    expect(page.locator(".console-title p").first).not_to_contain_text("· ·")
    close = page.get_by_role("button", name="结束本轮投票")
    start = page.get_by_role("button", name="开始新一轮投票")
    expect(close.or_(start)).to_be_visible()
    if not close.count():
        start.click()
    hide = page.get_by_role("button", name=re.compile("隐藏实时结果|显示实时结果"))
    advance = page.get_by_role("button", name=re.compile("进入下一环节"))
    expect(close).to_be_visible()
    page.mouse.wheel(0, 5000)  # down past the proposals and the inventory
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") > 300
    for control in (close, hide, advance):
        assert _in_view(page, control)
    shot(page, "round2-9-console-scrolled")
    assert code


def test_an_empty_place_leaves_no_empty_dot(server, browser):
    planner = browser.new_context(**LAPTOP)
    page = planner.new_page()
    scale.login(page, server.base_url)
    page.get_by_role("link", name="打开").first.click()
    page.get_by_role("link", name="编辑工作坊信息").click()
    page.get_by_label("地点").fill("")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(r"saved=1"))
    page.goto(re.sub(r"/edit.*$", "", page.url))
    meta = page.locator(".console-title p").first
    expect(meta).to_contain_text("编辑工作坊信息")
    assert "· ·" not in meta.inner_text()


# --- 10: the poster ------------------------------------------------------------------------
def test_poster_language_is_chosen_on_its_link_and_fits_one_page(server, browser, shot):
    planner = browser.new_context(**{**LAPTOP, "locale": "en"})
    page = planner.new_page()
    page.goto(f"{server.base_url}/login?lang=en")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("demo-planner")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Open").first.click()
    links = page.locator(".poster-links a")
    expect(links).to_have_count(3)
    shot(page, "round2-10-poster-links")
    texts = {}
    for i in range(3):
        href = links.nth(i).get_attribute("href")
        assert href
        response = page.request.get(server.base_url + href)
        assert response.ok
        reader = PdfReader(io.BytesIO(response.body()))
        assert len(reader.pages) == 1, href
        texts[href.rsplit("=", 1)[1]] = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    # An English screen still gets the Chinese poster from the Chinese link, and each says
    # where the address is: above the steps.
    assert "扫码参与社区规划工作坊" in texts["zh-CN"] and "Scan" not in texts["zh-CN"]
    assert "Scan to join" in texts["en"] and "扫码" not in texts["en"]
    assert "扫码参与" in texts["both"] and "Scan to join" in texts["both"]
    for text in texts.values():
        assert "below" not in text and "下面" not in text
    assert "address above" in texts["en"] and "上方的网址" in texts["zh-CN"]


# --- 11: the projector map at scale --------------------------------------------------------
def test_projector_with_300_assets_declutters_labels_and_clusters(server, browser, shot):
    _, ws_id = scale.seed(server, 300)
    planner = browser.new_context(**PROJECTOR)
    page = planner.new_page()
    scale.login(page, server.base_url)
    page.goto(f"{server.base_url}/console/workshops/{ws_id}/projector")
    config = page.locator("#map-config")
    expect(config).to_have_attribute("data-count", "300")
    expect(config).to_have_attribute("data-labels-shown", re.compile(r"[1-9]\d*"))
    page.wait_for_timeout(500)
    labels = page.locator(".asset-labels .asset-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert 0 < len(boxes) <= 80
    # no two labels overlap (collision-aware placement)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a and b
            apart = (
                a["x"] + a["width"] <= b["x"] + 1
                or b["x"] + b["width"] <= a["x"] + 1
                or a["y"] + a["height"] <= b["y"] + 1
                or b["y"] + b["height"] <= a["y"] + 1
            )
            assert apart, (a, b)
    # points, lines and polygons are clustered; the shapes are drawn on one canvas
    assert page.locator(".asset-cluster").count() > 0
    assert page.locator(".pj-map canvas.leaflet-zoom-animated").count() == 1
    assert int(config.get_attribute("data-labels-candidates") or 0) > len(boxes)
    shot(page, "round2-11-projector-300")
    # zoomed in, more assets are visible one by one and more of them get a label
    before = len(boxes)
    page.evaluate("() => { WorkshopMap.map.setZoom(WorkshopMap.map.getZoom() + 2); }")
    page.wait_for_timeout(1500)
    expect(config).to_have_attribute("data-labels-shown", re.compile(r"\d+"))
    assert int(config.get_attribute("data-labels-shown") or 0) >= min(before, 10)
    shot(page, "round2-11-projector-300-zoomed")


def test_map_stays_responsive_with_5000_assets_on_a_throttled_tablet(server, browser, shot):
    """The benchmark's measurement, as a check that the page finishes and labels: the
    timing itself is printed by benchmarks/map_scale.py, not asserted here."""
    code, _ = scale.seed(server, 5000)
    page = browser.new_context(**{**TABLET, "viewport": {"width": 1180, "height": 820}}).new_page()
    scale.join(page, server.base_url, code)
    result = scale.measure(page, f"{server.base_url}/w/{code}", 5000, throttle=4, settle_ms=500)
    assert result["first_paint_ms"] > 0
    assert page.locator(".asset-cluster").count() > 0
    shot(page, "round2-11-tablet-5000")


# --- 12: tile seams and the verify button ------------------------------------------------
def test_tiles_overlap_at_a_fractional_pixel_ratio(server, browser, shot):
    code, _ = scale.seed(server, 0)
    tablet = _tablet(browser, server, code, device_scale_factor=2.25)
    wait_until(
        tablet, "document.querySelectorAll('#map_workshop img.leaflet-tile-loaded').length >= 4"
    )
    tiles = tablet.locator("#map_workshop img.leaflet-tile")
    sizes = tiles.evaluate_all(
        "ts => ts.map(t => [t.style.width, getComputedStyle(t).mixBlendMode, t.dataset.overlap])"
    )
    assert sizes and all(s == ["256.5px", "normal", "1"] for s in sizes), sizes
    shot(tablet, "round2-12-tiles-dpr225")


def test_verify_control_is_a_button_that_says_what_it_does(server, browser, shot):
    planner = browser.new_context(**LAPTOP)
    page = planner.new_page()
    scale.login(page, server.base_url)
    page.locator("tr", has_text="已结束").get_by_role("link", name="打开").first.click()
    page.goto(page.url + "/assessment")
    verify = page.get_by_role("button", name="立即校验：记录是否被改动")
    expect(verify).to_be_visible()
    verify.click()
    expect(page.locator("#verify-result, .verify-result").first).to_be_visible()
    shot(page, "round2-12-verify")
