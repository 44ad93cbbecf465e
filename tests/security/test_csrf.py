"""CSRF: every state-changing request needs the token its own signed cookie carries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workshop.security import CSRF_COOKIE, token_from_cookie
from workshop.workshops.models import Participant, Workshop

from ..factories import PASSWORD, make_community, make_planner, make_workshop
from .routes import fill, route_table

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _bare(app) -> TestClient:  # type: ignore[no-untyped-def]
    """A client that behaves like a script or a foreign page: no automatic token."""
    client = TestClient(app)
    client.csrf_auto = False  # type: ignore[attr-defined]
    return client


def _token(client: TestClient) -> str:
    token = token_from_cookie(client.app.state.secret_key, client.cookies.get(CSRF_COOKIE))
    assert token
    return token


def _count(database, model) -> int:  # type: ignore[no-untyped-def]
    with database.unit_of_work(write=False) as s:
        return s.scalar(select(func.count()).select_from(model))


def _unsafe_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m, path) for m, path in route_table(app) if m in UNSAFE]


def test_every_state_changing_route_refuses_a_request_without_the_token(app, database):
    with database.unit_of_work() as s:
        planner = make_planner(s)
        ws = make_workshop(s, planner=planner, stage="voting")
        ids = {"workshop_id": ws.id, "code": ws.join_code, "proposal_id": 1, "asset_id": 1}
    client = _bare(app)
    client.get("/login")  # holds a valid cookie, but does not send its token
    client.post(
        "/login",
        data={"username": planner.username, "password": PASSWORD, "csrf_token": _token(client)},
    )
    routes = _unsafe_routes(app)
    assert len(routes) >= 8, routes  # login, logout, join, stage, assets, proposals, votes …
    for method, path in routes:
        url = fill(path, ids)
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"HX-Request": "true"}):
            response = client.request(method, url, headers=headers, data={"x": "1"})
            assert response.status_code == 403, (method, path, headers)
            assert "刷新页面" in response.text, (method, path)
    with database.unit_of_work(write=False) as s:
        assert s.get(Workshop, ws.id).stage == "voting"


def test_refusal_answers_json_an_htmx_partial_or_a_page(app):
    client = _bare(app)
    as_json = client.post("/join", data={"code": "ABCDEF"}, headers={"Accept": "application/json"})
    assert as_json.status_code == 403
    assert as_json.json() == {
        "detail": "页面已过期或请求无法确认来自本工具，已拒绝。请刷新页面后再试一次。",
        "code": "csrf",
    }
    partial = client.post("/join", data={"code": "ABCDEF"}, headers={"HX-Request": "true"})
    assert partial.status_code == 403 and partial.text.startswith('<p class="error"')
    page = client.post("/join", data={"code": "ABCDEF"}, headers={"Accept": "text/html"})
    assert page.status_code == 403 and "<!doctype html>" in page.text and "刷新页面" in page.text
    assert "content-security-policy" in page.headers


def test_the_token_works_as_header_or_form_field_only_with_its_own_cookie(app, database):
    with database.unit_of_work() as s:
        code = make_workshop(s).join_code
    tablet = _bare(app)
    tablet.get("/join")
    token = _token(tablet)
    # A form field (plain form post, JS not loaded) and a header (htmx) both work.
    field = tablet.post("/join", data={"code": code, "csrf_token": token}, follow_redirects=False)
    assert field.status_code == 303
    header = tablet.post(f"/j/{code}", data={"consent": "true"}, headers={"X-CSRF-Token": token})
    assert header.status_code == 200
    # multipart forms (photo uploads) carry the field too
    multipart = tablet.post(
        "/join",
        data={"code": code, "csrf_token": token},
        files={"x": ("a.txt", b"x")},
        follow_redirects=False,
    )
    assert multipart.status_code == 303
    # Another visitor's token does not fit this visitor's cookie.
    other = _bare(app)
    other.get("/join")
    stolen = other.post("/join", data={"code": code}, headers={"X-CSRF-Token": token})
    assert stolen.status_code == 403
    # Hostile tokens are refused, not crashed on.
    for odd in ("é" * 43, "\x00", " " * 43):
        weird = tablet.post("/join", data={"code": code, "csrf_token": odd})
        assert weird.status_code == 403, odd
    latin = tablet.post("/join", data={"code": code}, headers={"X-CSRF-Token": "é".encode()})
    assert latin.status_code == 403
    # A cookie the server did not sign is no cookie.
    forged = _bare(app)
    forged.cookies.set(CSRF_COOKIE, "chosen-by-attacker.abc")
    refused = forged.post("/join", data={"code": code, "csrf_token": "chosen-by-attacker"})
    assert refused.status_code == 403
    assert _count(database, Participant) == 1


def test_pages_carry_the_token_for_htmx_and_for_plain_forms(client, database):
    with database.unit_of_work() as s:
        make_community(s)
    page = client.get("/login")
    token = _token(client)
    assert f'<meta name="csrf-token" content="{token}">' in page.text
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text
    assert f'<input type="hidden" name="csrf_token" value="{token}">' in page.text
    # The token stays the same for the visitor (open tabs keep working).
    client.get("/join")
    assert _token(client) == token


@pytest.mark.parametrize("secure", [False, True])
def test_csrf_cookie_flags(app, secure):
    client = TestClient(app, base_url="https://testserver" if secure else "http://testserver")
    cookie = client.get("/join").headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert ("Secure" in cookie) is secure
    # Static files never issue one: a page's parallel asset loads must not replace it.
    assert "set-cookie" not in TestClient(app).get("/static/app.css").headers


def test_malformed_requests_are_refused_not_crashed_on(app):
    client = _bare(app)
    odd_cookie = client.get("/join", headers={"Cookie": 'ws_csrf="; \x7f=\\"; ;;'})
    assert odd_cookie.status_code == 200
    client.get("/join")
    token = _token(client)
    bad_multipart = client.post(
        "/join",
        content=b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n',
        headers={"Content-Type": "multipart/form-data; boundary=nope"},
    )
    assert bad_multipart.status_code == 403
    not_a_form = client.post(
        "/join", content=b"\xff\xfe" * 100, headers={"Content-Type": "text/plain"}
    )
    assert not_a_form.status_code == 403
    # With the token, the route's own validation answers (a 422 with a message).
    invalid = client.post(
        "/join",
        content=b"\xff",
        headers={
            "X-CSRF-Token": token,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    assert invalid.status_code == 422 and invalid.json()["detail"]


def test_every_post_form_renders_its_token_server_side():
    """A form must work before app.js has run (a slow laptop, a quick click): the token
    is rendered into every POST form, not only added by script on submit."""
    import re

    from workshop.templating import TEMPLATES_DIR

    missing = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in re.finditer(r"<form\b[^>]*>", text, re.I):
            if 'method="post"' not in tag.group(0).lower():
                continue
            body = text[tag.end() : text.find("</form>", tag.end())]
            if "csrf_field()" not in body:
                line = text[: tag.start()].count("\n") + 1
                missing.append(f"{path.relative_to(TEMPLATES_DIR)}:{line}")
    assert missing == []
