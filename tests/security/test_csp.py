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
