"""Everything residents and planners type is shown as text: on the tablet, the
projector, the console and in the report (HTML and PDF), never as markup or script."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.workshops.models import Workshop

from ..factories import demo_centre, make_community
from ..web.helpers import join

# {n} tells the fields apart; the nickname allows only 32 characters.
PAYLOADS = {
    "script": "<script>alert({n})</script>",
    "attribute": '"><img src=x onerror=alert({n})>',
    "url": "javascript:alert({n})",
}
FIELDS = (
    "community",
    "title",
    "place",
    "group",
    "nickname",
    "asset",
    "asset_text",
    "proposal",
    "proposal_text",
    "comment",
)


class Dom(HTMLParser):
    """Collect what a browser would run or follow, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value:
                self.urls.append(value)
        if tag == "img" and ("src", "x") in attrs:
            self.handlers.append("img src=x")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def _check_page(name: str, html: str, values: dict[str, str]) -> set[str]:
    """Assert nothing typed became markup; return the fields shown as text."""
    dom = Dom()
    dom.feed(html)
    assert dom.handlers == [], (name, dom.handlers)
    assert not [u for u in dom.urls if u.strip().lower().startswith("javascript:")], name
    assert not [s for s in dom.scripts if "alert(" in s], name
    text = " ".join(dom.text)
    return {field for field, value in values.items() if value in text}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_typed_text_is_shown_escaped_everywhere(kind, planner_client, database):
    values = {f: PAYLOADS[kind].format(n=n) for n, f in enumerate(FIELDS)}
    with database.unit_of_work() as s:
        community = make_community(s, name=values["community"])
    created = planner_client.post(
        "/console/workshops",
        data={
            "community_id": community.id,
            "title": values["title"],
            "date": "2026-12-01",
            "place": values["place"],
            "groups": values["group"] + "\n老年居民",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    with database.unit_of_work(write=False) as s:
        ws = s.scalars(select(Workshop)).one()
        wid, code = ws.id, ws.join_code
    console_url = f"/console/workshops/{wid}"

    def advance(expected: str) -> None:
        r = planner_client.post(f"{console_url}/stage", data={"expected": expected})
        assert r.status_code == 200, r.text

    tablet = TestClient(planner_client.app)
    join(tablet, code, group=values["group"], nickname=values["nickname"])
    shown: dict[str, set[str]] = {}

    def look(name: str, client: TestClient, url: str) -> None:
        r = client.get(url)
        assert r.status_code == 200, (name, r.text[:300])
        shown[name] = shown.get(name, set()) | _check_page(name, r.text, values)

    advance("welcome")
    lon, lat = demo_centre()
    pinned = tablet.post(
        f"/w/{code}/assets",
        data={
            "asset_class": "cultural",
            "name": values["asset"],
            "description": values["asset_text"],
            "lon": lon,
            "lat": lat,
        },
        headers={"HX-Request": "true"},
    )
    assert pinned.status_code == 201, pinned.text
    _check_page("asset saved", pinned.text, values)
    look("tablet", tablet, f"/w/{code}")
    geojson = tablet.get(f"/w/{code}/assets.geojson").json()  # map.js sets it as text
    assert geojson["features"][0]["properties"]["name"] == values["asset"]

    advance("mapping")
    r = tablet.post(
        f"/w/{code}/proposals",
        data={"title": values["proposal"], "description": values["proposal_text"]},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 201, r.text
    _check_page("proposal saved", r.text, values)
    look("tablet", tablet, f"/w/{code}")
    look("tablet", tablet, f"/w/{code}/proposals/_list")
    look("projector", planner_client, f"{console_url}/projector")
    look("projector", planner_client, f"{console_url}/projector/_board")

    advance("proposals")
    with database.unit_of_work(write=False) as s:
        from workshop.proposals.models import Proposal

        proposal_id = s.scalars(select(Proposal.id)).one()
    voted = tablet.post(
        f"/w/{code}/proposals/{proposal_id}/support",
        data={"support": "true"},
        headers={"HX-Request": "true"},
    )
    assert voted.status_code == 200
    look("tablet", tablet, f"/w/{code}")

    advance("voting")
    rated = tablet.post(
        f"/w/{code}/satisfaction",
        data={"rating": "basic", "comment": values["comment"]},
        headers={"HX-Request": "true"},
    )
    assert rated.status_code == 200, rated.text
    look("console", planner_client, "/console")
    look("console", planner_client, console_url)
    look("console", planner_client, f"{console_url}/_stats")

    advance("satisfaction")  # → closed: the assessment record and the report
    look("console", planner_client, f"{console_url}/assessment")
    look("report", planner_client, f"{console_url}/report.html")

    assert {"community", "nickname", "proposal"} <= shown["tablet"]
    assert {"community", "proposal"} <= shown["projector"]
    assert {"community", "title"} <= shown["console"]
    assert {"community", "title", "place", "proposal"} <= shown["report"]

    from pypdf import PdfReader

    pdf = planner_client.get(f"{console_url}/report.pdf")
    assert pdf.status_code == 200
    text = _squeeze(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    for field in ("title", "place", "proposal"):
        assert _squeeze(values[field]) in text, field

    # Stored exactly as typed: escaping happens on output only.
    with database.unit_of_work(write=False) as s:
        ws = s.get(Workshop, wid)
        assert (ws.title, ws.place) == (values["title"], values["place"])
