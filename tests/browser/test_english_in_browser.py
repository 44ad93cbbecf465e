"""The tablet and the console in English in a real browser; the switch goes back to 中文."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "locale": "en-GB"}
LAPTOP = {"viewport": {"width": 1440, "height": 900}, "locale": "en-US"}


def test_tablet_and_console_in_english(server, browser, shot):
    base = server.base_url
    code = re.search(r"join code: (\w+)", server.cli("demo")).group(1)
    planner = browser.new_context(**LAPTOP)
    console = planner.new_page()
    console.goto(f"{base}/login")
    expect(console.locator("html")).to_have_attribute("lang", "en")
    console.get_by_label("Username").fill("demo")
    console.get_by_label("Password").fill("demo-planner")
    console.get_by_role("button", name="Log in").click()
    expect(console).to_have_url(f"{base}/console")
    expect(console.get_by_role("heading", name="New workshop")).to_be_visible()
    console.get_by_role("link", name="Open").first.click()
    expect(console.locator("#join-code")).to_have_text(code)
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile("Next step")).click()
    expect(console.get_by_text("Open projector view")).to_be_visible()
    shot(console, "en-console")
    projector = planner.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(console.url + "/projector")
    expect(projector.locator(".pj-title")).to_have_text("Asset map")
    expect(projector.get_by_text("Scan, or open this address on your phone")).to_be_visible()
    shot(projector, "en-projector")

    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(f"{base}/join")
    expect(tablet.locator("html")).to_have_attribute("lang", "en")
    tablet.get_by_label("Enter the join code").fill(code.lower())
    tablet.get_by_role("button", name="Next").click()
    shot(tablet, "en-tablet-join")
    tablet.get_by_role("button", name="Join without a group").click()
    expect(tablet.locator(".tablet-head h1")).to_have_text("Asset map")
    expect(tablet.get_by_text("Ecological").first).to_be_visible()
    shot(tablet, "en-tablet-mapping")

    # The switch is a plain link that keeps the page and remembers the choice.
    tablet.get_by_role("link", name="中文").click()
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    expect(tablet.locator("html")).to_have_attribute("lang", "zh-CN")
    tablet.reload()
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    shot(tablet, "zh-tablet-mapping-after-switch")
