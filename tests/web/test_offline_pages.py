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
    resident.post(
        f"/w/{code}/assets",
        data={"asset_class": "cultural", "name": "牌坊", "lon": lon, "lat": lat},
    )
    pages["tablet-mapping"] = resident.get(f"/w/{code}").text
    pages["projector-mapping"] = planner_client.get(f"/console/workshops/{ws_id}/projector").text
    advance = lambda seen: planner_client.post(  # noqa: E731
        f"/console/workshops/{ws_id}/stage", data={"expected": seen}
    )
    advance("mapping")
    resident.post(f"/w/{code}/proposals", data={"title": "修缮牌坊"})
    pages["tablet-proposals"] = resident.get(f"/w/{code}").text
    advance("proposals")
    with database.unit_of_work(write=False) as s:
        pid = s.scalars(select(Proposal.id)).one()
    resident.post(f"/w/{code}/proposals/{pid}/support", data={"support": "true"})
    pages["tablet-voting"] = resident.get(f"/w/{code}").text
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


def test_no_page_or_asset_references_another_host(client, planner_client, database):
    pages = _pages(client, planner_client, database)
    assert len(pages) >= 15
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
