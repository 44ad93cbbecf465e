"""The meeting room, round two (issue 18, points 1-6 and two of 12), in real browsers:
a planner's laptop (1366×768), a projector (1920×1080), a phone (390×844), a tablet."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS
from .pages import demo_join_code, font_px, log_in_as_demo, wait_until

pytestmark = pytest.mark.browser
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "locale": "zh-CN"}
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "locale": "zh-CN"}
NO_GROUP = "不选身份，直接加入"

CLOSED_MEETING = """
from sqlalchemy import select
from workshop.cli import _database, load_demo
from workshop.workshops.models import Workshop
database = _database()
with database.unit_of_work() as db:
    load_demo(db)
    ws = db.scalars(select(Workshop).where(Workshop.stage == "closed")).first()
    print(ws.id, ws.join_code)
"""

LONG_TITLES = [
    "河边步道增设夜间照明与无障碍坡道",
    "Add night lighting and a step-free ramp along the riverside walk",
    "老茶馆门口增设休息座椅和遮阳棚，方便老人下午歇脚聊天",
    "把闲置的自行车棚改成社区共享工具屋，由志愿者轮流值班",
    "Turn the empty bike shed into a shared tool library run by volunteers",
    "小学放学路口增设护学岗和减速带",
    "在坝坝舞场旁边划出儿童游戏区，并设置软质地面",
    "Plant shade trees along the market street and add benches",
]
VOTING_WITH_TITLES = """
from workshop.cli import _database, load_demo
from workshop.proposals.service import submit_proposal
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    ws = workshop_by_code(db=db, code=code)
    advance_stage(db=db, workshop=ws)
    advance_stage(db=db, workshop=ws)
    for title in {titles!r}:
        submit_proposal(db=db, workshop=ws, participant=None, title=title)
    advance_stage(db=db, workshop=ws)
print(ws.id)
"""

OPEN_VOTES = """
from sqlalchemy import func, select
from workshop.cli import _database
from workshop.proposals.models import Vote, VotingRound
from workshop.workshops.models import Workshop
database = _database()
with database.unit_of_work() as db:
    print(db.scalar(select(func.count()).select_from(Vote).join(VotingRound).join(Workshop)
                    .where(Vote.value > 0, Workshop.stage != "closed")))
"""


def _open_workshop(console: Page) -> None:
    console.get_by_role("link", name="打开").first.click()
    expect(console.locator("#join-code")).to_be_visible()


def _advance(console: Page) -> str:
    """Press 进入下一环节; return the confirmation the planner was shown."""
    seen: list[str] = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        seen.append(dialog.message)
        dialog.accept()

    console.once("dialog", accept)
    console.get_by_role("button", name=re.compile("进入下一环节")).click()
    console.wait_for_load_state()
    return seen[0] if seen else ""


# --- 1. stage changes swap in place; drafts; the console's typing warning -------------


def test_stage_change_swaps_in_place_keeping_fullscreen_drafts_and_prefs(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    log_in_as_demo(console, base)
    _open_workshop(console)
    _advance(console)  # welcome → mapping
    wall = browser.new_context(**PROJECTOR)
    log_in_as_demo(wall.new_page(), base)
    projector = wall.new_page()
    projector.goto(console.url + "/projector")
    projector.get_by_role("button", name="全屏").click()
    wait_until(projector, "!!document.fullscreenElement")
    projector.evaluate("window.__same_page = true")

    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(f"{base}/j/{code}")
    tablet.get_by_role("button", name=NO_GROUP).click()
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    tablet.get_by_role("button", name="大字").click()
    tablet.evaluate("window.__same_page = true")

    # A resident types an asset's name and does not save it: the console warns.
    tablet.get_by_label(re.compile("名称")).fill("河边的老黄葛树")
    warning = console.locator("#typing-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("还有 1 位居民正在输入")
    shot(console, "room-console-typing-warning")
    tablet.evaluate("window.scrollTo(0, 200)")
    asked = _advance(console)  # → proposals
    assert "正在输入" in asked and "提出建议" in asked

    # Both pages follow without a reload: same window, still full screen, same prefs.
    expect(tablet.locator(".tablet-head h1")).to_have_text("提出建议")
    expect(projector.locator(".pj-title")).to_have_text("提出建议")
    assert tablet.evaluate("window.__same_page === true")
    assert projector.evaluate("window.__same_page === true")
    assert projector.evaluate("!!document.fullscreenElement")
    expect(tablet.locator("html")).to_have_class(re.compile("pref-large-text"))
    # The resident's place on the page, not the top. Not to the pixel: when something
    # lands above the fold after the swap (a late partial), Chromium's scroll anchoring
    # keeps what the resident was reading in place, and scrollY moves with it (seen: 225).
    assert abs(tablet.evaluate("window.scrollY") - 200) <= 60
    # The unsent name is not lost: the tablet shows it as a draft.
    leftover = tablet.locator("#draft-leftover")
    expect(leftover).to_be_visible()
    expect(leftover).to_contain_text("河边的老黄葛树")
    shot(tablet, "room-tablet-draft-after-stage-change")

    # Half a proposal survives a reload (kept on the device) and says so.
    tablet.get_by_label("建议标题").fill("给老黄葛树加护栏")
    tablet.reload()
    expect(tablet.get_by_label("建议标题")).to_have_value("给老黄葛树加护栏")
    expect(tablet.locator("[data-draft-note]")).to_be_visible()
    tablet.evaluate("window.__same_page = true")
    # Sent: the draft is gone, and so is the console's warning (an explicit "done").
    tablet.get_by_role("button", name="提交建议").click()
    expect(tablet.locator("#proposal-result")).to_contain_text("已提交")
    expect(warning).to_be_hidden()

    _advance(console)  # → voting: the projector's board swaps, its map is the same map
    expect(projector.locator(".pj-title")).to_have_text("投票")
    expect(tablet.locator(".tablet-head h1")).to_have_text("投票")
    expect(tablet.get_by_role("button", name="支持")).to_have_count(1)
    assert projector.evaluate("window.__same_page === true")
    assert tablet.evaluate("window.__same_page === true")
    assert projector.evaluate("!!document.fullscreenElement")
    shot(projector, "room-projector-after-swap")
    laptop.close()
    wall.close()


# --- 2. whole titles on the projector's results -----------------------------------------


def test_projector_results_show_whole_titles_in_two_columns(server, browser, shot):
    ws_id = server.cli("-c", VOTING_WITH_TITLES.format(titles=LONG_TITLES)).split()[-1]
    ctx = browser.new_context(**PROJECTOR)
    page = ctx.new_page()
    log_in_as_demo(page, server.base_url)
    page.goto(f"{server.base_url}/console/workshops/{ws_id}/projector")
    results = page.get_by_test_id("pj-results")
    expect(results.locator(".pj-bar")).to_have_count(len(LONG_TITLES))
    expect(results).to_have_class(re.compile("two-col"))
    titles = results.locator(".pj-bar-title").all_text_contents()
    for title in LONG_TITLES:  # whole, never "…"
        assert any(t.endswith(title) for t in titles), (title, titles)
    assert not any("…" in t for t in titles)
    # Everything fits the screen: no title below the fold or cut by the board.
    board = page.locator("#board")
    assert board.evaluate("b => b.scrollHeight <= b.clientHeight + 1")
    for i in range(len(LONG_TITLES)):
        box = results.locator(".pj-bar-title").nth(i).bounding_box()
        assert box and box["y"] + box["height"] <= 1080 and box["x"] + box["width"] <= 1920
    assert font_px(page, ".pj-bar-title") >= 24
    shot(page, "room-projector-whole-titles")
    ctx.close()


# --- 3. the projector: join address, readable text, gaps closed, an ended meeting --------


def test_projector_shows_join_address_large_text_and_an_ended_meeting(server, browser, shot):
    base = server.base_url
    demo_join_code(server)
    ws_closed, code_closed = server.cli("-c", CLOSED_MEETING).split()[-2:]
    ctx = browser.new_context(**PROJECTOR)
    console = ctx.new_page()
    log_in_as_demo(console, base)
    _open_workshop(console)
    projector = ctx.new_page()
    projector.goto(console.url + "/projector")
    address = projector.get_by_test_id("pj-address")
    expect(address).to_have_text(f"127.0.0.1:{server.port}/join")
    assert font_px(projector, ".pj-address") >= 40  # large, beside the code
    for selector in (".pj-hint", ".pj-join-label", ".pj-community", ".pj-counts",
                     ".asset-legend .legend-toggle", "#projector-gaps > summary"):  # fmt: skip
        assert font_px(projector, selector) >= 28, selector
    gaps = projector.locator("#projector-gaps")
    expect(gaps).not_to_have_attribute("open", "")
    expect(projector.locator("[data-gap-class]").first).to_be_hidden()
    shot(projector, "room-projector-join-address")
    projector.locator("#projector-gaps > summary").click()
    expect(projector.locator("[data-gap-class]").first).to_be_visible()

    # The finished meeting: it says it has ended; no QR code, no code, no address.
    projector.goto(f"{base}/console/workshops/{ws_closed}/projector")
    expect(projector.get_by_test_id("pj-ended")).to_contain_text("已结束")
    expect(projector.locator(".pj-join img")).to_have_count(0)
    expect(projector.locator(".pj-join .join-code")).to_have_count(0)
    expect(projector.get_by_text(code_closed)).to_have_count(0)
    expect(projector.locator(".asset-label").first).to_be_visible()
    assert font_px(projector, ".asset-label") >= 28  # the map's text, from the back
    shot(projector, "room-projector-ended")
    ctx.close()


# --- 4. joining on a phone: one screen, one tap; the path to a first vote ---------------


def test_phone_joins_in_one_tap_and_votes_measured(server, browser, shot):
    base = server.base_url
    code = server.voting_workshop(proposals=3)
    phone = browser.new_context(**PHONE).new_page()
    taps = 0
    started = time.monotonic()
    phone.goto(f"{base}/j/{code}")  # what the QR code opens
    buttons = phone.locator(".join-groups button")
    expect(buttons.first).to_be_visible()
    # Every group button is on the first screen: nothing to scroll, nothing to tick.
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box and box["y"] + box["height"] <= 844, phone.content()
    expect(phone.locator("input[type=checkbox]")).to_have_count(0)
    shot(phone, "room-phone-join")
    phone.get_by_role("button", name="老年居民").tap()
    taps += 1
    expect(phone.locator(".tablet-head h1")).to_have_text("投票")
    in_meeting = time.monotonic() - started
    taps_to_join = taps
    phone.get_by_role("button", name="支持").first.tap()
    taps += 1
    expect(phone.get_by_text("已支持 ✓")).to_have_count(1)
    first_vote = time.monotonic() - started
    assert server.cli("-c", OPEN_VOTES).split()[-1] == "1"  # stored
    assert taps_to_join <= 3
    shot(phone, "room-phone-voted")
    line = (
        f"QR link → in the meeting: {taps_to_join} tap(s), {in_meeting:.1f} s; "
        f"→ stored first vote: {taps} taps, {first_vote:.1f} s (390×844, Chromium)\n"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    Path(ARTIFACTS / "room-join-path.txt").write_text(line, encoding="utf-8")
    print(line)


def test_closed_workshop_says_so_before_any_form(server, browser):
    demo_join_code(server)
    _ws, code = server.cli("-c", CLOSED_MEETING).split()[-2:]
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{server.base_url}/j/{code}")
    expect(phone.get_by_test_id("join-closed")).to_contain_text("已经结束")
    expect(phone.locator("form.join-form")).to_have_count(0)
    expect(phone.get_by_role("button", name=NO_GROUP)).to_have_count(0)


# --- 5. 下一位 only on shared tablets --------------------------------------------------------


def test_next_person_only_on_shared_tablets(server, browser, shot):
    base = server.base_url
    code = server.voting_workshop(proposals=1)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{base}/j/{code}")
    phone.get_by_role("button", name=NO_GROUP).tap()
    expect(phone.locator(".tablet-head h1")).to_have_text("投票")
    expect(phone.get_by_role("button", name="下一位")).to_have_count(0)
    shot(phone, "room-phone-no-next-person")

    # The planner's shared-tablet link marks the device; 下一位 stays for each resident.
    console = browser.new_context(**LAPTOP).new_page()
    log_in_as_demo(console, base)
    _open_workshop(console)
    shared_url = console.get_by_test_id("shared-url").inner_text()
    assert shared_url.endswith(f"/j/{code}/shared")
    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(shared_url)
    tablet.get_by_role("button", name="以“老年居民”身份加入").tap()
    expect(tablet.locator(".tablet-head h1")).to_have_text("投票")
    next_person = tablet.get_by_role("button", name="下一位")
    expect(next_person).to_be_visible()
    tablet.once("dialog", lambda d: d.accept())
    next_person.tap()
    tablet.get_by_role("button", name="以“青少年”身份加入").tap()
    expect(tablet.locator(".tablet-head h1")).to_have_text("投票")
    expect(tablet.get_by_role("button", name="下一位")).to_be_visible()
    shot(tablet, "room-shared-tablet")


# --- 6. the map legend reads as a legend; the class is chosen; a saved asset shows --------


def test_legend_is_a_legend_class_is_required_and_a_new_asset_shows(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    console = browser.new_context(**LAPTOP).new_page()
    log_in_as_demo(console, base)
    _open_workshop(console)
    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(f"{base}/j/{code}")
    tablet.get_by_role("button", name=NO_GROUP).tap()
    expect(tablet.locator(".tablet-head h1")).to_have_text("欢迎")
    tablet.evaluate("window.__same_page = true")
    font = "getComputedStyle(document.body).fontFamily"
    fonts = tablet.evaluate(font)
    # welcome → mapping swaps in a map page: its Leaflet files and scripts load in place,
    # and the map's styles (Bootstrap, Leaflet) do not override the app's own.
    _advance(console)
    expect(tablet.locator(".tablet-head h1")).to_have_text("资产地图")
    expect(tablet.locator("#map_workshop.leaflet-container")).to_be_visible()
    assert tablet.evaluate("window.__same_page === true")
    assert tablet.evaluate(font) == fonts

    legend = tablet.locator(".asset-legend")
    expect(legend.locator(".legend-title")).to_contain_text("图例")
    toggle = legend.locator("[data-class=cultural]")
    picker = tablet.locator("#asset-form .choice.class-cultural > span")
    # A legend entry is a plain key (no frame, no fill), unlike the framed class choices.
    assert toggle.evaluate("e => getComputedStyle(e).borderTopWidth") == "0px"
    assert toggle.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert picker.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)") >= 1
    expect(tablet.locator("#asset-form input[name=asset_class]:checked")).to_have_count(0)
    shot(tablet, "room-legend-and-picker")

    # Saving without a class is refused by the form itself: nothing is filed.
    tablet.locator("#map_workshop").click(position={"x": 300, "y": 260})
    expect(tablet.locator("#asset-form")).to_have_class(re.compile("picked"))
    tablet.get_by_label(re.compile("名称")).fill("老戏台")
    tablet.get_by_role("button", name="保存").click()
    assert tablet.locator("#asset-form").evaluate("f => f.checkValidity()") is False
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", "0")

    # The resident hides 文化资产 in the legend, then saves one: it shows at once.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    tablet.locator("#asset-form").get_by_text("文化资产").click()
    tablet.get_by_role("button", name="保存").click()
    expect(tablet.locator("#asset-result")).to_contain_text("已添加：老戏台")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(tablet.locator("#map-config")).to_have_attribute("data-count", "1")
    expect(tablet.locator(".asset-marker")).to_have_count(1)
    shot(tablet, "room-new-asset-shown")


# --- 12. offline: the tapped 支持 itself shows that it waits ------------------------------


def test_offline_vote_waits_visibly_on_its_own_button(server, browser, shot):
    code = server.voting_workshop(proposals=2)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{server.base_url}/j/{code}")
    phone.get_by_role("button", name=NO_GROUP).tap()
    expect(phone.locator(".tablet-head h1")).to_have_text("投票")
    server.stop()
    expect(phone.locator("#conn-status")).to_have_class(re.compile("offline"), timeout=15)
    form = phone.locator("form.support").first
    form.get_by_role("button", name="支持").tap()
    expect(form).to_have_class(re.compile("waiting"))
    expect(form).to_have_attribute("data-waiting", re.compile("等待连接"))
    expect(form).to_have_attribute("aria-busy", "true")
    shot(phone, "room-offline-waiting-vote")
    server.start()
    expect(phone.get_by_text("已支持 ✓")).to_have_count(1, timeout=20000)
    expect(phone.locator("form.waiting")).to_have_count(0)
