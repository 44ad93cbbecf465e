"""A resident draws a polygon and a line on a 10-inch tablet; a second one gives +1."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .pages import demo_join_code, wait_until

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "locale": "zh-CN"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def _to_mapping(browser, base: str):  # type: ignore[no-untyped-def]
    planner = browser.new_context(**PROJECTOR)
    console = planner.new_page()
    console.goto(f"{base}/login")
    console.get_by_label("用户名").fill("demo")
    console.get_by_label("密码").fill("demo-planner")
    console.get_by_role("button", name="登录").click()
    console.get_by_role("link", name="打开").first.click()
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile("进入下一环节")).click()
    expect(console.locator(".stages li.current")).to_have_text("资产地图")
    return planner, console


def _join(browser, base: str, code: str, nickname: str) -> Page:  # type: ignore[no-untyped-def]
    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(f"{base}/j/{code}")
    tablet.get_by_label(re.compile("怎么称呼")).fill(nickname)
    tablet.get_by_role("button", name="不选身份，直接加入").click()  # one tap consents and joins
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", re.compile(r"\d+"))
    return tablet


def _map_centre(page: Page) -> tuple[float, float]:
    box = page.locator("#map_workshop").bounding_box()
    assert box
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_draw_polygon_by_touch_and_line_by_mouse_then_plus_one(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    planner, console = _to_mapping(browser, base)
    projector = planner.new_page()
    projector.goto(console.url + "/projector")

    tablet = _join(browser, base, code, "王阿姨")
    cx, cy = _map_centre(tablet)

    # Polygon, by touch: four taps, then 完成.
    tablet.get_by_role("button", name="面").click()
    expect(tablet.locator("#draw-actions")).to_be_visible()
    for dx, dy in ((-70, -50), (70, -50), (70, 50), (-70, 50)):
        tablet.touchscreen.tap(cx + dx, cy + dy)
        tablet.wait_for_timeout(120)  # quicker than Leaflet's 200 ms double tap
    shot(tablet, "assets-drawing-polygon")
    tablet.get_by_role("button", name="完成").click()
    expect(tablet.locator("#asset-form")).to_have_class(re.compile("picked"))
    geometry = json.loads(tablet.locator("#asset-geometry").input_value())
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 5
    tablet.locator("#asset-form").get_by_text("社会资产", exact=True).click()
    tablet.get_by_label("小类（可不选）").select_option(label="活动场所")
    tablet.get_by_label(re.compile("名称")).fill("坝坝舞场")
    tablet.get_by_label(re.compile("说明")).fill("晚上七点跳舞")
    tablet.get_by_role("button", name="保存").click()
    expect(tablet.locator("#asset-result")).to_contain_text("已添加：坝坝舞场")
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", "1")
    expect(tablet.locator("path.leaflet-interactive")).to_have_count(1)

    # Line, by mouse: three clicks, then 完成; class "human" shows the address warning.
    tablet.get_by_role("button", name="线").click()
    for dx, dy in ((-120, 110), (0, 140), (120, 110)):
        tablet.mouse.click(cx + dx, cy + dy)
        tablet.wait_for_timeout(120)  # quicker than Leaflet's 200 ms double tap
    tablet.get_by_role("button", name="完成").click()
    line = json.loads(tablet.locator("#asset-geometry").input_value())
    assert line["type"] == "LineString" and len(line["coordinates"]) == 3
    tablet.locator("#asset-form").get_by_text("生态资产", exact=True).click()
    tablet.get_by_label("小类（可不选）").select_option(label="步道")
    tablet.get_by_label(re.compile("名称")).fill("滨江步道")
    tablet.get_by_role("button", name="保存").click()
    expect(tablet.locator("#asset-result")).to_contain_text("已添加：滨江步道")
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", "2")
    expect(tablet.locator("path.leaflet-interactive")).to_have_count(2)
    tablet.locator("#asset-form").get_by_text("人力资产", exact=True).click()
    expect(tablet.get_by_role("note")).to_contain_text("不要填写任何人的住址")
    shot(tablet, "assets-tablet-drawn")

    # The projector shows both, named, with the legend; a class toggles off and on.
    expect(projector.locator("#map-config")).to_have_attribute("data-count", "2")
    expect(projector.locator(".asset-label")).to_have_count(2)
    shot(projector, "assets-projector")
    toggle = projector.locator(".asset-legend [data-class=ecological]")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(projector.locator(".asset-label")).to_have_count(1)
    toggle.click()
    expect(projector.locator(".asset-label")).to_have_count(2)

    # A second resident opens the polygon's popup and gives +1 once.
    other = _join(browser, base, code, "李师傅")
    expect(other.locator("#map-config")).to_have_attribute("data-count", "2")
    ox, oy = _map_centre(other)
    other.touchscreen.tap(ox, oy)
    popup = other.locator(".asset-popup").last  # a closed one fades out for 200 ms
    expect(popup).to_contain_text("坝坝舞场")
    expect(popup).to_contain_text("社会资产 · 活动场所")
    expect(popup).to_contain_text("0 人 +1")
    popup.get_by_role("button", name=re.compile(r"\+1")).click()
    expect(popup.locator(".asset-counts")).to_have_text("1 人 +1 · 1 人提供")
    shot(other, "assets-plus-one")
    expect(other.locator(".asset-popup").last).to_contain_text("1 人 +1")
    expect(projector.locator("#map-config")).to_have_attribute("data-supports", "1")
    # The projector's popup on the same asset shows the count (and follows it live).
    box = projector.locator(".pj-map .leaflet-container").bounding_box()
    assert box
    projector.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(projector.locator(".asset-popup").last).to_contain_text("1 人 +1 · 1 人提供")

    # The same button takes the +1 back: the count drops on the tablet and the projector.
    popup = other.locator(".asset-popup").last
    undo = popup.get_by_role("button", name="已 +1 · 取消")
    expect(undo).to_have_attribute("aria-pressed", "true")
    undo.click()
    expect(popup.locator(".asset-counts")).to_have_text("0 人 +1 · 1 人提供")
    expect(popup.get_by_role("button", name="+1 我也知道")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(projector.locator("#map-config")).to_have_attribute("data-supports", "0")
    expect(projector.locator(".asset-popup").last).to_contain_text("0 人 +1 · 1 人提供")
    popup.get_by_role("button", name="+1 我也知道").click()
    expect(other.locator(".asset-popup").last.locator(".asset-counts")).to_have_text(
        "1 人 +1 · 1 人提供"
    )
    expect(projector.locator("#map-config")).to_have_attribute("data-supports", "1")
    expect(
        other.locator(".asset-popup").last.get_by_role("button", name="已 +1 · 取消")
    ).to_be_enabled()
    other.wait_for_timeout(300)  # the popup a live refresh closed has faded out
    shot(other, "assets-plus-one-toggle")
    expect(projector.locator(".asset-popup").last).to_contain_text("1 人 +1 · 1 人提供")
    shot(projector, "assets-projector-popup")
    projector.keyboard.press("Escape")

    # The list under the form offers the same without the map (newest first).
    items = other.locator("#asset-list li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("滨江步道")
    items.first.get_by_role("button", name=re.compile(r"\+1")).click()
    expect(items.first.locator(".asset-counts")).to_contain_text("1 人 +1")
    other.locator(".asset-list-card").scroll_into_view_if_needed()  # the list re-renders live
    expect(items.first.get_by_role("button", name="已 +1 · 取消")).to_be_visible()
    shot(other, "assets-list")

    # The author sees edit/delete on their own asset, not +1.
    tablet.locator("#map_workshop").scroll_into_view_if_needed()
    cx, cy = _map_centre(tablet)
    tablet.touchscreen.tap(cx, cy)
    own = tablet.locator(".asset-popup").last
    expect(own).to_contain_text("1 人 +1")
    expect(own.get_by_role("button", name="修改")).to_be_visible()
    expect(own.get_by_role("button", name=re.compile(r"\+1"))).to_have_count(0)

    # ...and edits it: the form fills in, the change is saved to the same asset.
    own.get_by_role("button", name="修改").click()
    expect(tablet.locator("#edit-title")).to_have_text("正在修改：坝坝舞场")
    expect(tablet.get_by_label(re.compile("名称"))).to_have_value("坝坝舞场")
    tablet.get_by_label(re.compile("名称")).fill("坝坝舞广场")
    shot(tablet, "assets-editing")
    tablet.get_by_role("button", name="保存修改").click()
    expect(tablet.locator("#asset-result")).to_contain_text("已修改：坝坝舞广场")
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", "2")
    expect(projector.locator(".asset-label", has_text="坝坝舞广场")).to_have_count(1)

    tablet.set_viewport_size({"width": 1180, "height": 820})  # the tablet turned sideways
    tablet.locator("#map_workshop").scroll_into_view_if_needed()
    expect(tablet.get_by_role("button", name="面")).to_be_in_viewport()
    expect(tablet.locator(".asset-legend [data-class=human]")).to_be_in_viewport()
    shot(tablet, "assets-tablet-landscape")

    # The console lists both, with contributor and +1 counts.
    console.reload()
    panel = console.locator("#assets-panel")
    expect(panel).to_contain_text("坝坝舞广场")
    expect(panel).to_contain_text("滨江步道")
    panel.locator("details.subtypes summary").click()
    panel.scroll_into_view_if_needed()
    shot(console, "assets-console-panel")
    planner.close()
    tablet.context.close()
    other.context.close()


def test_projector_clusters_many_pins_and_shows_new_ones_live(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    planner, console = _to_mapping(browser, base)
    projector = planner.new_page()
    errors: list[str] = []
    projector.on("pageerror", lambda e: errors.append(str(e)))
    projector.goto(console.url + "/projector")
    tablet = _join(browser, base, code, "")
    # The demo community's centre, from the boundary the tablet's map was fitted to.
    lon, lat = tablet.evaluate(
        "() => { const c = WorkshopMap.map.getCenter(); return [c.lng, c.lat]; }"
    )
    token = tablet.locator("meta[name='csrf-token']").get_attribute("content")
    for i in range(120):
        body = {
            "asset_class": ["ecological", "cultural", "social", "human"][i % 4],
            "name": f"资产{i}",
            "geometry": {
                "type": "Point",
                "coordinates": [lon + (i % 12 - 6) * 0.0002, lat + (i // 12 - 5) * 0.0002],
            },
        }
        response = tablet.request.post(
            f"{base}/w/{code}/assets", data=body, headers={"X-CSRF-Token": token}
        )
        assert response.status == 201, response.text()
    expect(projector.locator("#map-config")).to_have_attribute("data-count", "120")
    assert errors == []
    clusters = projector.locator(".asset-cluster")
    expect(clusters.first).to_be_visible()
    # Clusters are rebuilt as the live refresh lands: wait for one settled count.
    wait_until(
        projector,
        """() => {
            const inClusters = [...document.querySelectorAll('.asset-cluster')]
                .reduce((n, e) => n + (parseInt(e.innerText, 10) || 0), 0);
            const single = document.querySelectorAll(
                '.asset-marker .asset-pin:not(.asset-cluster)').length;
            return inClusters + single === 120;
        }""",
        timeout=15,
    )
    total = sum(int(t) for t in clusters.all_inner_texts())
    singles = projector.locator(".asset-marker .asset-pin:not(.asset-cluster)").count()
    assert total + singles == 120
    assert projector.locator(".asset-label").count() < 120
    shot(projector, "assets-projector-clusters")
    planner.close()
    tablet.context.close()
