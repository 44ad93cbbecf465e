"""The maps still render under the strict CSP, with no violation reported by Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _watched(context) -> tuple[Page, list[str]]:  # type: ignore[no-untyped-def]
    page = context.new_page()
    messages: list[str] = []
    page.on(
        "console", lambda m: messages.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: messages.append(str(e)))
    return page, messages


def _no_violations(page: Page, messages: list[str]) -> None:
    assert page.evaluate("window.__csp") == []
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []
    assert [m for m in messages if "Error" in m] == []


def test_tablet_and_projector_maps_render_under_the_csp(server, browser, shot):
    base = server.base_url
    code = re.search(r"join code: (\w+)", server.cli("demo")).group(1)
    planner = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    planner.add_init_script(WATCH)
    console, console_log = _watched(planner)
    console.goto(f"{base}/login")
    console.get_by_label("用户名").fill("demo")
    console.get_by_label("密码").fill("demo-planner")
    console.get_by_role("button", name="登录").click()  # a plain form: token as a field
    expect(console).to_have_url(f"{base}/console")
    console.get_by_role("link", name="打开").first.click()
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile("进入下一环节")).click()
    expect(console.locator("body")).to_contain_text("资产地图")

    projector, projector_log = _watched(planner)
    projector.goto(console.url + "/projector")
    expect(projector.locator("#map_workshop.leaflet-container")).to_be_visible()
    expect(projector.locator("#map_workshop path")).not_to_have_count(0)  # boundary, base
    expect(projector.locator("#map-config")).to_have_attribute("data-count", "0")
    shot(projector, "csp-projector")

    resident = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, locale="zh-CN"
    )
    resident.add_init_script(WATCH)
    tablet, tablet_log = _watched(resident)
    tablet.goto(f"{base}/j/{code}")
    tablet.get_by_role("button", name="不选身份，直接加入").click()  # htmx: token as a header
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    expect(tablet.locator("#map_workshop.leaflet-container")).to_be_visible()
    tablet.locator("#map_workshop").click(position={"x": 360, "y": 300})
    expect(tablet.locator("#asset-form")).to_have_class(re.compile("picked"))
    tablet.locator("#asset-form").get_by_text("文化资产").click()
    tablet.get_by_label(re.compile("名称")).fill("<b>老茶馆</b>")
    tablet.get_by_role("button", name="保存").click()
    expect(tablet.locator("#asset-result")).to_contain_text("已添加：<b>老茶馆</b>")
    expect(projector.locator(".asset-label")).to_have_text("<b>老茶馆</b>")
    shot(tablet, "csp-tablet")

    for page, log in ((console, console_log), (projector, projector_log), (tablet, tablet_log)):
        _no_violations(page, log)

    # The error page's back link works without javascript: URLs.
    tablet.goto(f"{base}/nowhere")
    tablet.get_by_role("link", name="返回").click()
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    _no_violations(tablet, tablet_log)
    planner.close()
    resident.close()
