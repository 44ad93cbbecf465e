"""Every main page at tablet, phone, laptop and projector sizes: screenshots, axe-core,
the projector's no-scroll layout and the tablet's reconnect behaviour."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from workshop.demo import meeting_data

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
LANGS = ["zh-CN", "en"]
# What the walk clicks and types into, by language (the catalogs' texts).
UI = {
    "zh-CN": {
        "username": "用户名", "password": "密码", "login": "登录", "open": "打开",
        "advance": "进入下一环节", "code": "请输入参与码", "next": "下一步",
        "consent": "我已阅读并同意", "join": "加入", "proposal_title": "建议标题",
        "submit_proposal": "提交建议", "submitted": "已提交", "large": "大字",
        "contrast": "高对比度",
    },
    "en": {
        "username": "Username", "password": "Password", "login": "Log in", "open": "Open",
        "advance": "Next step", "code": "Enter the join code", "next": "Next",
        "consent": "I have read and agree", "join": "Join", "proposal_title": "Proposal title",
        "submit_proposal": "Submit proposal", "submitted": "Submitted", "large": "Large text",
        "contrast": "High contrast",
    },
}  # fmt: skip
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Text the walk meets that is data, not interface: the demo community and its meetings
# (maps/demo), the resident groups, the demo planner, the proposal the walk submits, the
# language switch's own name. Longest first, so a name is removed before its parts.


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for v in value.values() if isinstance(value, dict) else value:
            yield from _strings(v)


DATA_TEXT = sorted(
    {
        "桃源里社区（虚构示例）",
        "示例区",
        "示例街道",
        "演示规划师",
        "示例规划设计院（虚构）",
        "桃源里社区资产地图与微更新议事会（演示）",
        "社区党群服务中心二楼活动室",
        "桃源溪沿线微更新议事会（已结束的示例）",
        "老茶馆门口增设休息座椅",
        "中文",
        "老年居民",
        "中青年居民",
        "青少年",
        "商户",
        "物业",
        "社区两委",
        "虚构示例底图（由本文件夹的矢量图层生成）",
    }
    | set(_strings(meeting_data())),  # the demo's finished meeting: names, titles, findings
    key=len,
    reverse=True,
)
SIZES = {
    "tablet": {"width": 820, "height": 1180},
    "tablet-landscape": {"width": 1180, "height": 820},
    "phone": {"width": 390, "height": 844},
}
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
STAGES = ("welcome", "mapping", "proposals", "voting", "satisfaction", "closed")

CLOSE_AND_COUNT = """
from sqlalchemy import func, select
from workshop.cli import _database
from workshop.proposals.models import Vote, VotingRound
from workshop.workshops.models import Workshop
database = _database()
with database.unit_of_work() as db:
    # The demo's finished meeting has votes of its own: count the open workshop's only.
    print(db.scalar(select(func.count()).select_from(Vote).join(VotingRound).join(Workshop)
                    .where(Vote.value > 0, Workshop.stage != "closed")))
"""

MANY_PROPOSALS = """
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
    for i in range(40):
        title = f"提案{i + 1}：" + "在老茶馆门口和社区广场之间增设无障碍休息座椅与遮阳棚" * 2
        submit_proposal(db=db, workshop=ws, participant=None, title=title[:120])
print(ws.id)
"""


def _url(base: str, path: str, lang: str) -> str:
    if lang == "zh-CN":
        return base + path
    return base + path + ("&" if "?" in path else "?") + f"lang={lang}"


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page; return its serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def untranslated(page: Page) -> list[str]:
    """Chinese text left on an English page once the data (DATA_TEXT, and elements marked
    lang="zh-CN") is taken out: the visible text, and the labels a screen reader reads
    (aria-label, title, alt, placeholder)."""
    texts = page.evaluate(
        """() => {
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const el = n.parentElement;
                if (!el || el.closest("script, style, noscript, template")) continue;
                if (el.closest("[hidden], [aria-hidden=true]")) continue;
                // Text marked as Chinese is Chinese on purpose (a record's own words).
                if (!el.closest("[lang]").lang.startsWith("en")) continue;
                if (n.textContent.trim()) out.push(n.textContent.trim());
            }
            const names = ["aria-label", "title", "alt", "placeholder"];
            for (const el of document.querySelectorAll(names.map(a => `[${a}]`).join(",")))
                for (const a of names) if (el.getAttribute(a)) out.push(el.getAttribute(a));
            out.push(document.title);
            return out;
        }"""
    )
    left = []
    for text in texts:
        for data in DATA_TEXT:
            text = text.replace(data, "")
        if CJK.search(text):
            left.append(text)
    return sorted(set(left))


def check(page: Page, name: str, problems: list) -> None:
    """Screenshot the page into test-artifacts/ and collect its axe problems (and, on
    English pages, any interface text left in Chinese)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # map tiles and live parts settle (not an assertion)
    page.screenshot(path=str(ARTIFACTS / f"ux-{name}.png"))
    problems.extend({"page": name, **v} for v in axe_violations(page))
    if name.startswith("en-"):
        problems.extend({"page": name, "untranslated": t} for t in untranslated(page))


def _open(page: Page, url: str) -> None:
    """Go to `url` and insist the page itself answered (no error page, no redirect)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert page.url == url, (url, page.url)


def _login(page: Page, base: str, lang: str = "zh-CN") -> None:
    ui = UI[lang]
    page.goto(_url(base, "/login", lang))
    page.get_by_label(ui["username"]).fill("demo")
    page.get_by_label(ui["password"]).fill("demo-planner")
    page.get_by_role("button", name=ui["login"]).click()
    expect(page).to_have_url(f"{base}/console")


def _advance(console: Page, lang: str = "zh-CN") -> None:
    console.once("dialog", lambda d: d.accept())
    console.get_by_role("button", name=re.compile(UI[lang]["advance"])).click()
    console.wait_for_load_state()


@pytest.mark.parametrize("lang", LANGS)
def test_main_pages_look_right_and_pass_axe(server, browser, lang):  # type: ignore[no-untyped-def]
    base = server.base_url
    code = re.search(r"join code: (\w+)", server.cli("demo")).group(1)
    ui = UI[lang]
    problems: list = []
    laptop = browser.new_context(viewport=LAPTOP, locale=lang, bypass_csp=True)
    console = laptop.new_page()
    console.goto(_url(base, "/login", lang))
    check(console, f"{lang}-login", problems)
    _login(console, base, lang)
    check(console, f"{lang}-console-home", problems)
    console.get_by_role("link", name=ui["open"]).first.click()
    console_url = console.url
    projector_ctx = browser.new_context(viewport=PROJECTOR, locale=lang, bypass_csp=True)
    projector = projector_ctx.new_page()
    projector.context.add_cookies(laptop.cookies())

    tablets = {}
    for size, viewport in SIZES.items():
        ctx = browser.new_context(viewport=viewport, has_touch=True, locale=lang, bypass_csp=True)
        tablets[size] = ctx.new_page()
    for size, page in tablets.items():
        page.goto(_url(base, "/join", lang))
        if size == "tablet":
            check(page, f"{lang}-{size}-join", problems)
        page.get_by_label(ui["code"]).fill(code)
        page.get_by_role("button", name=ui["next"]).click()
        check(page, f"{lang}-{size}-welcome", problems)
        page.get_by_role("button", name="老年居民").click()  # one tap consents and joins
        expect(page.locator(".tablet-head h1")).to_be_visible()

    for stage in STAGES:
        if stage != "welcome":
            _advance(console, lang)
        if stage == "closed":  # a closed meeting has no stage timer, the current step shows
            expect(console.locator("[data-stage-timer]")).to_have_count(0)
            expect(console.locator(".stages li.current")).to_be_visible()
        else:
            expect(console.locator("[data-stage-timer]")).to_have_attribute("data-stage", stage)
        check(console, f"{lang}-console-{stage}", problems)
        _open(projector, _url(base, console_url.removeprefix(base) + "/projector", lang))
        expect(projector.locator(f'[hx-get*="seen={stage}"]')).to_have_count(1)
        check(projector, f"{lang}-projector-{stage}", problems)
        for size, page in tablets.items():
            _open(page, _url(base, f"/w/{code}", lang))
            expect(page.locator(f'[hx-get*="seen={stage}"]')).to_have_count(1)
            if stage == "proposals" and size == "tablet":  # so voting has something to show
                page.get_by_label(ui["proposal_title"]).fill("老茶馆门口增设休息座椅")
                page.get_by_role("button", name=ui["submit_proposal"]).click()
                expect(page.locator("#proposal-result")).to_contain_text(ui["submitted"])
            check(page, f"{lang}-{size}-{stage}", problems)

    _open(console, _url(base, console_url.removeprefix(base) + "/assessment", lang))
    expect(console.locator("h1")).to_be_visible()
    check(console, f"{lang}-assessment", problems)
    _open(console, _url(base, "/console/service-log", lang))
    check(console, f"{lang}-service-log", problems)
    # The demo's finished meeting (second on the list): its console and its final record.
    console.goto(_url(base, "/console", lang))
    console.get_by_role("link", name=ui["open"]).nth(1).click()
    expect(console.locator(".stages li.current")).to_be_visible()
    finished = console.url.removeprefix(base).split("?")[0]
    check(console, f"{lang}-finished-console", problems)
    _open(console, _url(base, finished + "/assessment", lang))
    check(console, f"{lang}-finished-assessment", problems)

    # Large text and high contrast stay on across pages and are applied before paint.
    tablet = tablets["tablet"]
    tablet.get_by_role("button", name=ui["large"]).click()
    tablet.get_by_role("button", name=ui["contrast"]).click()
    tablet.reload()
    assert tablet.evaluate("document.documentElement.className") == (
        "pref-large-text pref-high-contrast"
    )
    expect(tablet.get_by_role("button", name=ui["large"])).to_have_attribute("aria-pressed", "true")
    check(tablet, f"{lang}-tablet-large-contrast", problems)
    body_px = tablet.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_px >= 24
    for ctx in [laptop, projector_ctx, *(p.context for p in tablets.values())]:
        ctx.close()
    assert problems == [], "\n".join(map(str, problems))


def test_tablet_targets_and_text_are_big_enough(server, browser):  # type: ignore[no-untyped-def]
    code = server.voting_workshop(proposals=3)
    for size in ("tablet", "phone"):
        ctx = browser.new_context(viewport=SIZES[size], has_touch=True, locale="zh-CN")
        page = ctx.new_page()
        page.goto(f"{server.base_url}/j/{code}")
        page.get_by_role("button", name="老年居民").click()
        expect(page.locator(".tablet-head h1")).to_have_text("投票")
        small = page.evaluate(
            """() => [...document.querySelectorAll("main button, main a, main input, main select")]
                .filter(e => e.offsetParent !== null && e.type !== "hidden")
                .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
                .filter(([_, r]) => r.height < 48 || r.width < 48)
                .map(([h, r]) => h + " " + Math.round(r.width) + "x" + Math.round(r.height))"""
        )
        assert small == [], small
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= 18
        ctx.close()


def test_projector_fits_1920x1080_with_40_long_proposals(server, browser):  # type: ignore[no-untyped-def]
    ws_id = server.cli("-c", MANY_PROPOSALS).split()[-1]
    ctx = browser.new_context(viewport=PROJECTOR, locale="zh-CN")
    page = ctx.new_page()
    _login(page, server.base_url)
    page.goto(f"{server.base_url}/console/workshops/{ws_id}/projector")
    expect(page.locator("ul.wall li")).to_have_count(40)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ux-projector-40-proposals.png"))
    size = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size == [1920, 1080]
    for selector in (".pj-title", ".pj-join img", ".pj-join .join-code"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080
    ctx.close()


def test_tablet_shows_offline_and_resends_a_vote_once(server, browser):  # type: ignore[no-untyped-def]
    code = server.voting_workshop(proposals=2)
    ctx = browser.new_context(viewport=SIZES["tablet"], has_touch=True, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{server.base_url}/j/{code}")
    page.get_by_role("button", name="老年居民").click()
    expect(page.locator(".tablet-head h1")).to_have_text("投票")
    banner = page.locator("#conn-status")
    expect(banner).not_to_have_class(re.compile("offline"))

    server.stop()
    expect(banner).to_have_class(re.compile("offline"), timeout=15000)
    expect(banner).to_contain_text("连接已断开")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ux-tablet-offline.png"))
    page.get_by_role("button", name="支持").first.click()  # made while the laptop is down
    # The request failed to send and waits in the resend queue (not sent some other way).
    expect(page.locator("body")).to_have_attribute("data-queued", "1", timeout=10000)

    server.start()
    expect(banner).to_have_class(re.compile("online"), timeout=20000)
    expect(page.get_by_text("已支持 ✓")).to_have_count(1, timeout=10000)
    expect(page.locator("body")).not_to_have_attribute("data-queued", re.compile("."))
    expect(banner).not_to_have_class(re.compile("offline|online"), timeout=10000)
    assert server.cli("-c", CLOSE_AND_COUNT).split()[-1] == "1"
    ctx.close()


def test_a_new_proposal_can_be_undone_for_ten_seconds(server, browser):  # type: ignore[no-untyped-def]
    code = re.search(r"join code: (\w+)", server.cli("demo")).group(1)
    ctx = browser.new_context(viewport=SIZES["tablet"], has_touch=True, locale="zh-CN")
    laptop = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    console = laptop.new_page()
    _login(console, server.base_url)
    console.get_by_role("link", name="打开").first.click()
    expect(console.locator("#join-code")).to_have_text(code)
    _advance(console)
    expect(console.locator("[data-stage-timer]")).to_have_attribute("data-stage", "mapping")
    _advance(console)
    expect(console.locator("[data-stage-timer]")).to_have_attribute("data-stage", "proposals")
    page = ctx.new_page()
    page.goto(f"{server.base_url}/j/{code}")
    page.get_by_role("button", name="老年居民").click()
    page.get_by_label("建议标题").fill("增设休息座椅")
    page.get_by_role("button", name="提交建议").click()
    expect(page.locator("#proposal-list")).to_contain_text("增设休息座椅")
    page.get_by_role("button", name="撤销").click()
    expect(page.locator("#proposal-result")).to_contain_text("已撤销")
    expect(page.locator("#proposal-list")).not_to_contain_text("增设休息座椅")
    ctx.close()
    laptop.close()
