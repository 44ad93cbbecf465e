"""Content-Security-Policy: a per-request nonce is the only way an inline script runs."""

from __future__ import annotations

import re

from workshop.config import TEMPLATES_DIR
from workshop.security import content_security_policy

from ..factories import make_participant, make_workshop
from ..web.helpers import join

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER_ATTR = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def _nonce(response) -> str:  # type: ignore[no-untyped-def]
    policy = response.headers["content-security-policy"]
    match = re.search(r"script-src 'self' 'nonce-([\w-]+)'", policy)
    assert match, policy
    return match.group(1)


def _pages(planner_client, database, client_factory) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, planner=s.merge(planner_client.planner), stage="mapping")
        make_participant(s, ws)
        wid, code = ws.id, ws.join_code
    tablet = client_factory()
    join(tablet, code)
    return {
        "login": client_factory().get("/login"),
        "join": tablet.get("/join"),
        "welcome": tablet.get(f"/j/{code}"),
        "tablet map": tablet.get(f"/w/{code}"),
        "console": planner_client.get("/console"),
        "workshop console": planner_client.get(f"/console/workshops/{wid}"),
        "projector": planner_client.get(f"/console/workshops/{wid}/projector"),
        "not found": tablet.get("/nowhere", headers={"Accept": "text/html"}),
    }


def test_pages_send_the_policy_and_every_inline_script_has_its_nonce(planner_client, database):
    from fastapi.testclient import TestClient

    pages = _pages(planner_client, database, lambda: TestClient(planner_client.app))
    for name, response in pages.items():
        assert response.status_code == (404 if name == "not found" else 200), name
        policy = response.headers["content-security-policy"]
        nonce = _nonce(response)
        assert policy == content_security_policy(nonce), name
        for attrs in SCRIPT_TAG.findall(response.text):
            assert "src=" in attrs or f'nonce="{nonce}"' in attrs, (name, attrs)
        assert not HANDLER_ATTR.search(response.text), name
        assert "javascript:" not in response.text.lower(), name
    # The map pages do run an inline script: folium's map, with the nonce.
    for name in ("tablet map", "projector"):
        assert f'<script nonce="{_nonce(pages[name])}">' in pages[name].text, name


def test_the_nonce_is_new_on_every_request(client):
    nonces = {_nonce(client.get("/join")) for _ in range(5)}
    assert len(nonces) == 5 and all(len(n) >= 16 for n in nonces)


def test_the_policy_reads_as_specified():
    policy = content_security_policy("abc")
    assert policy.split("; ") == [
        "default-src 'self'",
        "script-src 'self' 'nonce-abc'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
    # An online tile host, when a community configures one, is allowed for images only.
    with_tiles = content_security_policy("abc", ["https://tiles.example.cn"])
    assert "img-src 'self' data: blob: https://tiles.example.cn;" in with_tiles
    assert with_tiles.count("tiles.example.cn") == 1


def test_templates_have_no_inline_handlers_javascript_urls_or_unnonced_scripts():
    for path in TEMPLATES_DIR.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES_DIR))
        assert not HANDLER_ATTR.search(source), name
        assert "javascript:" not in source.lower(), name
        for attrs in SCRIPT_TAG.findall(source):
            assert "src=" in attrs or 'nonce="{{ csp_nonce }}"' in attrs, (name, attrs)


def test_a_community_with_online_tiles_lets_its_map_pages_load_them(planner_client, database):
    from fastapi.testclient import TestClient

    from ..factories import make_community

    url = "https://t{s}.tiles.example.cn/img/{z}/{x}/{y}.png"
    with database.unit_of_work() as s:
        online = make_community(s, base_map={"kind": "xyz", "url": url})
        planner = s.merge(planner_client.planner)
        ws = make_workshop(s, planner=planner, community=online, stage="welcome")
        plain = make_workshop(s, planner=planner, stage="mapping")
        wid, code, plain_id, plain_code = ws.id, ws.join_code, plain.id, plain.join_code
    tablet, plain_tablet = TestClient(planner_client.app), TestClient(planner_client.app)
    join(tablet, code)
    join(plain_tablet, plain_code)
    pages = {
        "projector": planner_client.get(f"/console/workshops/{wid}/projector"),
        "analysis": planner_client.get(f"/console/workshops/{wid}/analysis"),
        # Still at the welcome: the map arrives later by an htmx swap into this document.
        "tablet": tablet.get(f"/w/{code}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        policy = response.headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://*.tiles.example.cn;" in policy, name
        assert policy == content_security_policy(_nonce(response), ["https://*.tiles.example.cn"])
    # The tile URL itself is on the projector's map, so the browser will ask that host.
    assert "tiles.example.cn/img/{z}/{x}/{y}.png" in pages["projector"].text
    # A community without online tiles, and every other page, keep images to this server.
    for response in (
        planner_client.get(f"/console/workshops/{plain_id}/projector"),
        plain_tablet.get(f"/w/{plain_code}"),
        planner_client.get(f"/console/workshops/{wid}"),
    ):
        assert "img-src 'self' data: blob:;" in response.headers["content-security-policy"]


def test_only_a_plain_host_from_the_tile_url_reaches_the_policy():
    from workshop.basemaps.config import BaseMap, tile_origin

    def origin(url: str) -> str | None:
        return tile_origin(BaseMap(kind="xyz", url=url))

    assert origin("https://tiles.example.cn/{z}/{x}/{y}.png") == "https://tiles.example.cn"
    assert origin("http://10.0.0.5:8080/{z}/{x}/{y}.png") == "http://10.0.0.5:8080"
    assert origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert origin("https://webrd0{s}.is.autonavi.com/x={x}&y={y}&z={z}") == (
        "https://*.is.autonavi.com"
    )
    # A host that would smuggle another directive or source into the header is dropped.
    assert origin("https://a.cn;script-src:*/{z}/{x}/{y}") is None
    assert origin("https://{s}/{z}/{x}/{y}") is None
    assert origin("https://a.{s}.cn/{z}/{x}/{y}") is None
    assert tile_origin(BaseMap(kind="tiles", pack="demo")) is None
    assert tile_origin(BaseMap()) is None
