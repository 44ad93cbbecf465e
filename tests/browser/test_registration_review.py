"""A planner applies on /register in a real browser, waits for review, the city
administrator admits them on /console/admin (审核入库), and they log in (issue 15)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_apply_wait_be_admitted_and_log_in(server, browser, shot) -> None:  # type: ignore[no-untyped-def]
    base = server.base_url
    errors: list[str] = []
    applicant = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = applicant.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/login")
    page.click("a[href='/register']")
    expect(page.locator("h1")).to_have_text("申请加入规划师库")
    page.fill("input[name=username]", "zhaolei")
    page.fill("input[name=name]", "赵磊")
    page.fill("input[name=password]", "zhaolei-pass")
    page.fill("input[name=password_again]", "zhaolei-pass")
    page.select_option("select[name=discipline]", "engineer")
    page.select_option("select[name=organisation_id]", label="示例规划设计院（虚构）")
    page.fill("textarea[name=statement]", "给排水工程师，愿意参与老旧小区改造。")
    shot(page, "register-filled")
    page.click("button[type=submit]")
    expect(page.locator("p.ok[role=status]")).to_contain_text("申请已提交")
    _login(page, base, "zhaolei", "zhaolei-pass")
    expect(page.locator("[role=alert]")).to_contain_text("等待市级管理部门审核")

    admin = browser.new_context(locale="zh-CN").new_page()
    admin.on("pageerror", lambda e: errors.append(str(e)))
    _login(admin, base, "admin", "demo-admin")
    admin.wait_for_url("**/console/admin")  # the console sends the city administrator on
    rows = admin.locator("[data-testid=applications] tbody tr")
    expect(rows).to_have_count(2)  # the demo's applicant and this one
    row = rows.filter(has_text="赵磊")
    expect(row).to_contain_text("示例规划设计院（虚构）")
    shot(admin, "admin-applications")
    row.locator("button.primary").click()
    admin.wait_for_load_state("load")
    expect(admin.locator("[data-testid=applications] tbody tr")).to_have_count(1)

    _login(page, base, "zhaolei", "zhaolei-pass")
    page.wait_for_url("**/console")
    expect(page.locator(".who")).to_contain_text("赵磊")
    assert errors == []
