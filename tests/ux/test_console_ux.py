"""The facilitator console's poster, stage timer and the base page's display controls."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from workshop.i18n import t

from ..factories import make_planner, make_workshop


def _workshop(database, planner, stage="welcome"):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner), title="桃源里议事会")
        return ws.id, ws.join_code


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


def test_poster_is_one_a4_page_with_code_url_and_steps(planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    response = planner_client.get(f"/console/workshops/{ws_id}/poster.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox  # A4 is 595 x 842 pt
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = _text(response.content)
    assert code in text
    assert f"testserver/j/{code}" in text
    assert "桃源里议事会" in text
    for key in ("ux.poster.title", "ux.poster.step1", "ux.poster.step2", "ux.poster.step3"):
        assert re.sub(r"\s+", "", t(key)) in text


def test_poster_is_for_the_workshops_planner_only(client, planner_client, database):
    with database.unit_of_work() as db:
        theirs = make_workshop(db, planner=make_planner(db), title="别人的议事会").id
    response = planner_client.get(f"/console/workshops/{theirs}/poster.pdf")
    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
    ws_id, _ = _workshop(database, planner_client.planner)
    planner_client.post("/logout")
    response = client.get(f"/console/workshops/{ws_id}/poster.pdf", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert not response.content.startswith(b"%PDF")


def test_console_links_poster_and_shows_a_stage_timer(planner_client, database):
    ws_id, _ = _workshop(database, planner_client.planner, stage="mapping")
    html = planner_client.get(f"/console/workshops/{ws_id}").text
    assert f'href="/console/workshops/{ws_id}/poster.pdf?language=zh-CN"' in html
    assert f'data-stage-timer data-workshop="{ws_id}" data-stage="mapping"' in html
    assert t("ux.stage_timer") in html


def test_every_page_has_display_controls_and_a_connection_banner(client):
    html = client.get("/join").text
    assert '<script src="/static/prefs.js"></script>' in html  # before paint, not deferred
    assert 'data-pref="large-text"' in html and 'data-pref="high-contrast"' in html
    assert 'id="conn-status"' in html and 'role="status"' in html
    assert client.get("/static/prefs.js").status_code == 200
    assert client.get("/static/ux.js").status_code == 200
