"""A resident on a tablet and the projector, in two real browser contexts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import demo_join_code, log_in_as_demo

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 800, "height": 1280}, "has_touch": True, "locale": "zh-CN"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def _advance(console: Page) -> None:
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile("进入下一环节")).click()
    console.wait_for_load_state()


def test_resident_pins_and_supports_while_projector_updates_live(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    planner = browser.new_context(**PROJECTOR)
    console = planner.new_page()
    log_in_as_demo(console, base)
    console.get_by_role("link", name="打开").first.click()
    expect(console.locator("#join-code")).to_have_text(code)
    _advance(console)  # welcome → mapping
    projector = planner.new_page()
    projector.goto(console.url + "/projector")
    expect(projector.locator(".pj-title")).to_have_text("资产地图")

    tablet_ctx = browser.new_context(**TABLET)
    tablet = tablet_ctx.new_page()
    tablet.goto(f"{base}/join")
    tablet.get_by_label("请输入参与码").fill(code.lower())
    tablet.get_by_role("button", name="下一步").click()
    shot(tablet, "tablet-welcome")
    tablet.get_by_role("button", name="老年居民").click()  # one tap consents and joins
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")

    # Tap the middle of the map to pin, choose a class, name it, save.
    tablet.locator("#map_workshop").click(position={"x": 360, "y": 300})
    expect(tablet.locator("#asset-form")).to_have_class(re.compile("picked"))
    tablet.locator("#asset-form").get_by_text("文化资产").click()
    tablet.get_by_label(re.compile("名称")).fill("老茶馆")
    tablet.get_by_role("button", name="保存").click()
    expect(tablet.locator("#asset-result")).to_contain_text("已添加：老茶馆")
    shot(tablet, "tablet-mapping")

    # The projector's map shows the new asset without a reload.
    projector.evaluate("window.__still_here = true")
    expect(projector.locator("#map-config")).to_have_attribute("data-count", "1")
    expect(projector.locator(".asset-marker")).to_have_count(1)
    expect(projector.locator(".asset-label")).to_have_text("老茶馆")
    shot(projector, "projector-mapping")

    _advance(console)  # → proposals; the tablet follows by itself
    expect(tablet.locator(".tablet-head h1")).to_have_text("提出建议")
    expect(projector.locator(".pj-title")).to_have_text("提出建议")
    tablet.get_by_label("建议标题").fill("老茶馆门口增设休息座椅")
    tablet.get_by_role("button", name="提交建议").click()
    expect(tablet.locator("#proposal-result")).to_contain_text("已提交")
    expect(projector.locator("ul.wall")).to_contain_text("老茶馆门口增设休息座椅")
    expect(tablet.locator(".proposals")).to_contain_text("老茶馆门口增设休息座椅")
    shot(tablet, "tablet-proposals")
    shot(projector, "projector-proposals")

    _advance(console)  # → voting
    expect(tablet.locator(".tablet-head h1")).to_have_text("投票")
    expect(projector.locator(".pj-title")).to_have_text("投票")
    projector.evaluate("window.__still_here = true")
    supporters = projector.locator("[data-testid^=supporters-]")
    expect(supporters).to_have_text("0")
    tablet.get_by_role("button", name="支持").click()
    expect(tablet.get_by_text("已支持 ✓")).to_be_visible()
    expect(supporters).to_have_text("1")
    assert projector.evaluate("window.__still_here") is True
    shot(tablet, "tablet-voting")
    shot(projector, "projector-voting")

    tablet.get_by_role("button", name="撤回").click()
    expect(supporters).to_have_text("0")
    tablet.get_by_role("button", name="支持").click()
    expect(supporters).to_have_text("1")
    assert projector.evaluate("window.__still_here") is True

    _advance(console)  # → satisfaction
    expect(tablet.locator(".tablet-head h1")).to_have_text("满意度")
    tablet.get_by_text("基本满意").click()
    tablet.get_by_role("button", name="提交").click()
    expect(tablet.locator("#rating-result")).to_contain_text("谢谢您的评价")
    shot(tablet, "tablet-satisfaction")
    _advance(console)  # → closed
    expect(console.get_by_role("link", name="共识报告（PDF）")).to_be_visible()
    shot(console, "console-closed")
    with console.expect_download() as download:
        console.get_by_role("link", name="共识报告（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    planner.close()
    tablet_ctx.close()
