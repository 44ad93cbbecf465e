"""A street-office user confirms a planner's service-log entry in a real browser, and the
planner's points change (issue 15). The demo has the street office, its user and the
planner's agreement; the planner turns on "count only confirmed entries" first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from workshop.accounts.models import Planner
from workshop.db import Database
from workshop.service_log import yearly
from workshop.service_log.models import ServiceLogEntry

pytestmark = pytest.mark.browser


def _login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def _points(database: Database, year: int) -> float:
    with database.unit_of_work(write=False) as s:
        demo = s.scalar(select(Planner).where(Planner.username == "demo"))
        return yearly.year_summary(db=s, planner=demo, year=year).breakdown.total


def test_street_office_confirms_an_entry_and_the_points_follow(server, browser, settings) -> None:  # type: ignore[no-untyped-def]
    database = Database(settings.database_url)
    with database.unit_of_work(write=False) as s:
        entry = s.scalars(select(ServiceLogEntry).order_by(ServiceLogEntry.id)).first()
        entry_id, year = entry.id, entry.date.year
    base = server.base_url
    errors: list[str] = []

    planner = browser.new_context(locale="zh-CN").new_page()
    planner.on("pageerror", lambda e: errors.append(str(e)))
    _login(planner, base, "demo", "demo-planner")
    planner.wait_for_url("**/console")
    planner.goto(f"{base}/console/points?year={year}")
    before = planner.locator(".big-number").first.inner_text()
    assert float(before) == pytest.approx(_points(database, year)) and float(before) > 0
    planner.check("input[name=confirmed_only]")
    with planner.expect_navigation():  # the form's own answer first, then the next page
        planner.click(".rules-card button.primary")
    planner.goto(f"{base}/console/points?year={year}")
    expect(planner.locator("input[name=confirmed_only]")).to_be_checked()
    unconfirmed = float(planner.locator(".big-number").first.inner_text())
    assert unconfirmed < float(before)

    office = browser.new_context(locale="zh-CN").new_page()
    office.on("pageerror", lambda e: errors.append(str(e)))
    _login(office, base, "street", "demo-street")
    office.wait_for_url("**/console/office")
    row = office.locator(f"#entry-{entry_id}")
    expect(row.locator(".entry-state")).to_have_text("待确认")
    row.get_by_role("button", name="确认").click()
    expect(office.locator(f"#entry-{entry_id} .entry-state")).to_have_text("已确认")

    planner.reload()
    confirmed = float(planner.locator(".big-number").first.inner_text())
    assert confirmed > unconfirmed
    assert confirmed == pytest.approx(_points(database, year))
    planner.goto(f"{base}/console/service-log")
    expect(planner.locator(f"#entry-{entry_id}")).to_contain_text("已确认")
    assert errors == []
    database.dispose()
