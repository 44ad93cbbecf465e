"""Projector: a planner shows the coverage gaps of a class; a new asset shrinks them."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import expect

from .pages import demo_join_code
from .test_asset_drawing import _to_mapping

pytestmark = pytest.mark.browser


GAP = "#map_workshop path[stroke='#b00020']"


def _gap_path(page) -> str:  # type: ignore[no-untyped-def]
    paths = page.locator(GAP)
    return "|".join(paths.nth(i).get_attribute("d") or "" for i in range(paths.count()))


def test_projector_shows_gaps_and_redraws_after_a_new_asset(server, browser, shot):
    base = server.base_url
    code = demo_join_code(server)
    planner, console = _to_mapping(browser, base)
    projector = planner.new_page()
    projector.goto(console.url + "/projector")
    gaps = projector.locator("#projector-gaps")
    expect(gaps).to_be_visible()
    assert _gap_path(projector) == ""  # off by default
    expect(gaps).not_to_have_attribute("open", "")  # the panel is closed on the projector
    expect(projector.locator("[data-gap-class=social]")).to_be_hidden()
    projector.locator("#projector-gaps > summary").click()

    projector.locator("[data-gap-class=social]").click()
    projector.locator("[data-gap-radius='300']").click()
    expect(gaps).to_have_attribute("data-drawn", re.compile("radius=300"))
    expect(projector.locator(GAP).first).to_be_attached()
    before = _gap_path(projector)
    assert before
    expect(projector.locator("[data-gap-class=social]")).to_have_attribute("aria-pressed", "true")
    shot(projector, "projector-gaps")

    # A resident adds a social venue in the middle of the map: the gap layer is redrawn.
    centre = projector.evaluate(
        "(() => { const c = window.WorkshopMap.map.getCenter(); return [c.lng, c.lat]; })()"
    )
    with contextlib.closing(server.client()) as resident:
        joined = resident.post(f"/j/{code}", data={"nickname": "李叔", "consent": "true"})
        assert joined.status_code in (200, 303), joined.text
        body = {
            "asset_class": "social",
            "subtype": "venue",
            "name": "新活动室",
            "geometry": {"type": "Point", "coordinates": centre},
        }
        added = resident.post(f"/w/{code}/assets", json=body)
        assert added.status_code == 201, added.text
    for _ in range(100):
        if _gap_path(projector) not in ("", before):
            break
        projector.wait_for_timeout(100)
    assert _gap_path(projector) not in ("", before)
    shot(projector, "projector-gaps-after-asset")

    projector.locator("[data-gap-off]").click()
    expect(projector.locator(GAP)).to_have_count(0)
