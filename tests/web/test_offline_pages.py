"""Meeting rooms have no internet: no page may reference another host."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.proposals.models import Proposal

from ..factories import demo_centre, make_workshop
from .helpers import join

EXTERNAL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*""", re.I)
ASSET_REF = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
# XML namespace names are identifiers, never fetched.
NAMESPACES = ("http://www.w3.org/", "https://www.w3.org/")


def _strip_comments(code: str) -> str:
    code = re.sub(r"/\*.*?\*/", " ", code, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", " ", code)


def _external_urls(text: str) -> list[str]:
    found = []
    for m in EXTERNAL.finditer(text):
        url = m.group(0)
        host = urlsplit(url if ":" in url.split("//")[0] else "http:" + url).hostname or ""
        if url.startswith(NAMESPACES) or host in ("testserver", "127.0.0.1", "localhost"):
            continue
        if not url.startswith(("http", "//")):
            continue
        found.append(url)
    return found


def _pages(client, planner_client, database) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="mapping", planner=s.merge(planner_client.planner))
        ws_id, code = ws.id, ws.join_code
    resident = TestClient(client.app)
    pages = {"join": resident.get("/join").text, "welcome": resident.get(f"/j/{code}").text}
    join(resident, code)
    lon, lat = demo_centre()
    pinned = resident.post(
        f"/w/{code}/assets",
        data={"asset_class": "cultural", "name": "牌坊", "lon": lon, "lat": lat},
        follow_redirects=False,
    )
    assert pinned.status_code == 303, pinned.text
    pages["tablet-mapping"] = resident.get(f"/w/{code}").text
    assert "牌坊" in resident.get(f"/w/{code}/assets.geojson").text
    pages["projector-mapping"] = planner_client.get(f"/console/workshops/{ws_id}/projector").text

    def advance(seen: str) -> None:
        moved = planner_client.post(
            f"/console/workshops/{ws_id}/stage", data={"expected": seen}, follow_redirects=False
        )
        assert moved.status_code == 303, (seen, moved.status_code)

    advance("mapping")
    proposed = resident.post(
        f"/w/{code}/proposals", data={"title": "修缮牌坊"}, follow_redirects=False
    )
    assert proposed.status_code == 303, proposed.text
    pages["tablet-proposals"] = resident.get(f"/w/{code}").text
    assert "修缮牌坊" in pages["tablet-proposals"]
    advance("proposals")
    with database.unit_of_work(write=False) as s:
        pid = s.scalars(select(Proposal.id)).one()
    supported = resident.post(
        f"/w/{code}/proposals/{pid}/support", data={"support": "true"}, follow_redirects=False
    )
    assert supported.status_code == 303, supported.text
    pages["tablet-voting"] = resident.get(f"/w/{code}").text
    assert "已支持" in pages["tablet-voting"]
    pages["projector-voting"] = planner_client.get(f"/console/workshops/{ws_id}/projector").text
    advance("voting")
    pages["tablet-satisfaction"] = resident.get(f"/w/{code}").text
    advance("satisfaction")
    for name, path in {
        "console": "/console",
        "workshop": f"/console/workshops/{ws_id}",
        "assessment": f"/console/workshops/{ws_id}/assessment",
        "report": f"/console/workshops/{ws_id}/report.html",
        "service-log": "/console/service-log",
        "qr": f"/console/workshops/{ws_id}/qr.svg",
    }.items():
        response = planner_client.get(path)
        assert response.status_code == 200, path
        pages[name] = response.text
    pages["login"] = TestClient(client.app).get("/login").text
    return pages


def _every_get_route(planner_client, database) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every GET page of a seeded workshop (HTML or SVG), by route."""
    from tests.reports.seed import seed_workshop
    from tests.security.routes import fill, route_table
    from workshop.assets.models import Asset

    with database.unit_of_work() as s:
        ws = seed_workshop(s, planner=s.merge(planner_client.planner))
        values = {
            "workshop_id": ws.id,
            "code": ws.join_code,
            "community_id": ws.community_id,
            "proposal_id": s.scalars(
                select(Proposal.id).where(Proposal.workshop_id == ws.id)
            ).first(),
            "asset_id": s.scalars(select(Asset.id).where(Asset.workshop_id == ws.id)).first(),
            "version": 1,
            "ext": "csv",
            "table": "assets",
        }
    pages = {}
    for method, path in route_table(planner_client.app):
        if method != "GET" or path.endswith(STREAMS):
            continue
        response = planner_client.get(fill(path, values))
        kind = response.headers.get("content-type", "")
        if response.status_code == 200 and kind.startswith(("text/html", "image/svg")):
            pages[path] = response.text
    assert len(pages) >= 20
    return pages


def test_no_page_or_asset_references_another_host(client, planner_client, database):
    pages = _pages(client, planner_client, database)
    assert len(pages) >= 15
    pages |= _every_get_route(planner_client, database)
    assets: set[str] = set()
    for name, html in pages.items():
        assert _external_urls(html) == [], name
        assets |= {u for u in ASSET_REF.findall(html) if u.startswith("/static/")}
    assert any("leaflet" in a for a in assets) and any("htmx" in a for a in assets)

    seen: set[str] = set()
    queue = sorted(assets)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = planner_client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        if url.endswith(".css"):
            css = response.text
            assert _external_urls(_strip_comments(css)) == [], url
            for ref in CSS_URL.findall(css):
                if not ref.startswith("data:"):
                    queue.append(urljoin(url, ref).split("#")[0].split("?")[0])
        elif url.endswith(".js"):
            assert "cdn" not in " ".join(_external_urls(_strip_comments(response.text))), url
    assert len(seen) > len(assets)  # fonts and images behind the CSS were fetched too


STREAMS = ("/events",)  # endless Server-Sent-Event streams


def test_api_docs_are_not_served_but_the_schema_is(client):
    # Swagger UI and ReDoc load their scripts from a CDN: no offline meeting room has it.
    assert client.get("/api/docs").status_code == 404
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["paths"]
