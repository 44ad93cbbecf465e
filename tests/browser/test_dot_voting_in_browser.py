"""A dot-voting round in real browsers: two resident tablets and the projector."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import log_in_as_demo

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "locale": "zh-CN"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}


def _advance(console: Page) -> None:
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile("进入下一环节")).click()
    console.wait_for_load_state()


def _resident(browser, base: str, code: str, group: str) -> Page:  # type: ignore[no-untyped-def]
    page = browser.new_context(**TABLET).new_page()
    # A shared tablet (the planner's shared-tablet link): 下一位 is offered on it.
    page.goto(f"{base}/j/{code}/shared")
    page.get_by_role("button", name=f"以“{group}”身份加入").click()
    expect(page.locator(".tablet-head h1")).to_be_visible()
    return page


def test_dot_voting_round_with_live_projector(server, browser, shot):
    base = server.base_url
    code = re.search(r"join code: (\w+)", server.cli("demo")).group(1)
    planner = browser.new_context(**PROJECTOR)
    console = planner.new_page()
    log_in_as_demo(console, base)
    console.get_by_role("link", name="打开").first.click()
    expect(console.locator("#join-code")).to_have_text(code)
    _advance(console)  # mapping
    _advance(console)  # proposals
    projector = planner.new_page()
    projector.goto(console.url + "/projector")

    old = _resident(browser, base, code, "老年居民")
    shop = _resident(browser, base, code, "商户")
    # A proposal may be pinned to a place: tap the map (static/map.js fills lon/lat).
    old.locator("#map_workshop").click(position={"x": 380, "y": 200})
    expect(old.locator("#asset-form")).to_have_class(re.compile("picked"))
    for page, title in ((old, "老茶馆门口增设休息座椅"), (shop, "步道加装夜间照明")):
        page.get_by_label("建议标题").fill(title)
        page.get_by_role("button", name="提交建议").click()
        expect(page.locator("#proposal-result")).to_contain_text("已提交")
    expect(projector.locator("ul.wall .sticky")).to_have_count(2)
    expect(shop.locator("li.proposal").first).to_contain_text("已标位置")
    shot(old, "voting-tablet-proposals")
    shot(projector, "voting-projector-wall")

    _advance(console)  # voting: an approval round opens by default; switch to dots
    expect(console.get_by_text("结束本轮投票")).to_be_visible()
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name="结束本轮投票").click()
    console.wait_for_load_state()
    console.locator(".new-round select[name=method]").select_option("dots")
    console.get_by_role("button", name="开始新一轮投票").click()
    expect(console.get_by_test_id("round-status")).to_contain_text("贴点投票")

    # Tablets follow the new round by themselves (SSE "round").
    for page in (old, shop):
        expect(page.get_by_test_id("dots-left")).to_have_text("您还有 5 个点")
    seats, lights = old.locator("li.proposal").nth(0), old.locator("li.proposal").nth(1)
    pid_seats = seats.get_attribute("data-proposal")
    pid_lights = lights.get_attribute("data-proposal")
    projector.evaluate("window.__still_here = true")
    for n in (1, 2, 3):  # each tap confirms in place before the next
        seats.get_by_role("button", name="加一个点").click()
        expect(seats.get_by_test_id(f"dots-on-{pid_seats}")).to_contain_text(f"已投 {n} 点")
    expect(old.get_by_test_id("dots-left")).to_have_text("您还有 2 个点")
    seats.get_by_role("button", name="加一个点").click()
    expect(seats.locator(".error")).to_contain_text("一条建议最多只能投 3 个点")
    expect(projector.get_by_test_id(f"figure-{pid_seats}")).to_have_text("3 点")

    shop_lights = shop.locator(f"li.proposal[data-proposal='{pid_lights}']")
    shop_lights.get_by_role("button", name="加一个点").click()
    expect(shop_lights.get_by_test_id(f"dots-on-{pid_lights}")).to_contain_text("已投 1 点")
    expect(projector.get_by_test_id(f"figure-{pid_lights}")).to_have_text("1 点")
    expect(projector.get_by_test_id("pj-voters")).to_contain_text("2 人已投票")
    assert projector.evaluate("window.__still_here") is True
    shot(old, "voting-tablet-dots")
    console.locator("#voting-results").scroll_into_view_if_needed()
    expect(console.locator("#voting-results")).to_contain_text("2 人已投票")
    shot(console, "voting-console")
    shot(projector, "voting-projector-dots")

    # Hide live results: the projector shows the count only, until the round closes.
    console.get_by_role("button", name="隐藏实时结果").click()
    expect(projector.get_by_test_id("results-hidden")).to_contain_text("已有 2 人投票")
    shot(projector, "voting-projector-hidden")
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name="结束本轮投票").click()
    expect(projector.get_by_test_id(f"figure-{pid_seats}")).to_have_text("3 点")
    expect(old.get_by_text("本轮投票已结束，谢谢！")).to_be_visible()
    expect(seats.get_by_role("button", name="加一个点")).to_be_disabled()

    # A second round, agree / disagree / pass: the tablets switch by themselves.
    console.locator(".new-round select[name=method]").select_option("agree")
    console.get_by_role("button", name="开始新一轮投票").click()
    shop_seats = shop.locator(f"li.proposal[data-proposal='{pid_seats}']")
    shop_seats.get_by_role("button", name="不同意").click()
    expect(shop_seats.get_by_role("button", name="不同意")).to_have_attribute(
        "aria-pressed", "true"
    )
    shop_seats.get_by_role("button", name="同意", exact=True).click()
    expect(shop_seats.get_by_role("button", name="同意", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(projector.get_by_test_id(f"figure-{pid_seats}")).to_have_text("100%")
    shot(shop, "voting-tablet-agree")
    shot(projector, "voting-projector-agree")

    # The next resident on this tablet: one screen, a group button, no typing.
    old.once("dialog", lambda d: d.accept())
    old.get_by_role("button", name="下一位").click()
    expect(old.get_by_role("button", name="以“青少年”身份加入")).to_be_visible()
    shot(old, "voting-tablet-next-person")
    old.get_by_role("button", name="以“青少年”身份加入").click()
    expect(old.locator(".tablet-head h1")).to_have_text("投票")
    planner.close()
