from __future__ import annotations

from fastapi.testclient import TestClient

from ..factories import PASSWORD, make_planner, make_workshop


def test_console_requires_login(client):
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/console"


def test_wrong_password_is_refused_in_chinese(client, database):
    with database.unit_of_work() as s:
        planner = make_planner(s)
    response = client.post("/login", data={"username": planner.username, "password": "nope-nope"})
    assert response.status_code == 401 and "用户名或密码不正确" in response.text
    assert "ws_session" not in response.cookies


def test_login_then_logout(client, database):
    with database.unit_of_work() as s:
        planner = make_planner(s)
    ok = client.post(
        "/login",
        data={
            "username": planner.username.upper(),
            "password": PASSWORD,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert ok.headers["location"] == "/console"
    assert client.get("/console").status_code == 200
    client.post("/logout")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_planner_cannot_open_another_planners_workshop(planner_client, database):
    with database.unit_of_work() as s:
        theirs = make_workshop(s)
    for path in ("", "/projector", "/qr.svg", "/assets.geojson", "/report.pdf"):
        response = planner_client.get(f"/console/workshops/{theirs.id}{path}")
        assert response.status_code == 404, path
    stage = planner_client.post(
        f"/console/workshops/{theirs.id}/stage", data={"expected": "welcome"}
    )
    assert stage.status_code == 404


def test_every_console_route_requires_login(app):
    anonymous = TestClient(app)
    for route in app.routes:
        path = getattr(route, "path", "")
        if not path.startswith("/console"):
            continue
        url = path.replace("{workshop_id}", "1")
        for method in sorted(route.methods - {"HEAD"}):
            response = anonymous.request(method, url, follow_redirects=False)
            assert response.status_code in (303, 401), (method, url, response.status_code)
