"""Community edit page in a real browser: draw a boundary polygon with Leaflet.draw."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from workshop.communities.models import Community
from workshop.db import Database

from .pages import log_in_as_demo

pytestmark = pytest.mark.browser


def test_planner_draws_a_new_boundary(server, browser, shot, settings) -> None:  # type: ignore[no-untyped-def]
    database = Database(settings.database_url)
    with database.unit_of_work(write=False) as s:
        community = s.scalars(select(Community)).first()
        community_id, before = community.id, community.boundary
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in_as_demo(page, server.base_url)
    page.goto(f"{server.base_url}/console/communities/{community_id}/edit")
    page.wait_for_selector("#community-map .leaflet-draw-draw-polygon")
    shot(page, "community-edit-before")
    page.click(".leaflet-draw-draw-polygon")
    box = page.locator("#community-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-120, -80), (120, -80), (120, 80), (-120, 80)]
    vertices = page.locator("#community-map .leaflet-editing-icon")
    for n, (dx, dy) in enumerate(corners, start=1):
        # leaflet.draw ignores a click for 50 ms after placing a corner: click again until
        # the corner shows (a wait for the condition, not for a guessed time).
        for _attempt in range(10):
            page.mouse.click(cx + dx, cy + dy)
            with contextlib.suppress(AssertionError):
                expect(vertices).to_have_count(n, timeout=300)
                break
        expect(vertices).to_have_count(n)
    page.mouse.click(cx + corners[0][0], cy + corners[0][1])  # close the ring
    expect(page.locator("#boundary-input")).not_to_have_value("")
    shot(page, "community-edit-drawn")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=已保存")
    shot(page, "community-edit-saved")
    assert not errors
    with database.unit_of_work(write=False) as s:
        after = s.get(Community, community_id).boundary
    assert after["type"] == "Polygon" and after != before
    assert len(after["coordinates"][0]) == 5  # four corners, closed
    database.dispose()
