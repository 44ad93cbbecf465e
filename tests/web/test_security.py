from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from workshop.accounts.models import LoginFailure
from workshop.db import utcnow
from workshop.workshops.models import Workshop

from ..factories import make_community


def test_cross_site_post_is_refused_and_changes_nothing(planner_client, database):
    with database.unit_of_work() as s:
        community = make_community(s)
    form = {"community_id": community.id, "title": "伪造", "date": "2026-12-01"}
    for header in (
        {"Origin": "http://evil.example"},
        {"Referer": "http://evil.example/x"},
        {"Origin": "null"},
    ):
        header = {**header, "Accept": "application/json"}  # a script: the JSON refusal
        response = planner_client.post("/console/workshops", data=form, headers=header)
        assert response.status_code == 403
        assert "其他网站" in response.json()["detail"]
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(Workshop)).first() is None
    same = planner_client.post(
        "/console/workshops",
        data=form,
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert same.status_code == 303


def test_security_headers_on_pages_and_static(client):
    for path in ("/join", "/static/app.css", "/nowhere"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path


def test_session_and_participant_cookies_are_httponly_and_lax(client, database):
    from ..factories import PASSWORD, make_planner, make_workshop

    with database.unit_of_work() as s:
        planner = make_planner(s)
        code = make_workshop(s).join_code
    login = client.post(
        "/login", data={"username": planner.username, "password": PASSWORD}, follow_redirects=False
    )
    joined = client.post(f"/j/{code}", data={"consent": "true"}, follow_redirects=False)
    for response, name in ((login, "ws_session"), (joined, "ws_participant")):
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith(name) and "httponly" in cookie and "samesite=lax" in cookie


def test_guessing_join_codes_is_slowed_down_but_the_right_code_still_works_later(client, database):
    from workshop import ratelimit

    from ..factories import make_workshop

    with database.unit_of_work() as s:
        code = make_workshop(s).join_code
    for i in range(20):
        assert client.post("/join", data={"code": f"ZZZZ{i:02d}"}).status_code == 404
    blocked = client.post("/join", data={"code": "ZZZZZZ"})
    assert blocked.status_code == 429 and "秒后再试" in blocked.text
    assert client.get("/j/ZZZZZZ").status_code == 429
    # While blocked, even the right code waits (guessing must not find it by luck).
    assert client.post("/join", data={"code": code}, follow_redirects=False).status_code == 429
    # A minute later (every recorded failure is now older than the window), it gets in.
    limiter = ratelimit.JOIN_CODES._memory  # SQLite: counted in this process
    for stamps in limiter._failures.values():
        stamps.extend([t - limiter.window - 1 for t in [stamps.popleft() for _ in list(stamps)]])
    with database.unit_of_work() as s:  # PostgreSQL: counted in the database
        earlier = utcnow() - timedelta(seconds=ratelimit.JOIN_CODES.window + 1)
        s.execute(update(LoginFailure).values(at=earlier))
    joined = client.post("/join", data={"code": code}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == f"/j/{code}"


def test_repeated_wrong_passwords_are_refused_for_a_while(client, database):
    from ..factories import PASSWORD, make_planner

    with database.unit_of_work() as s:
        planner = make_planner(s)
    for _ in range(10):
        wrong = client.post("/login", data={"username": planner.username, "password": "x" * 9})
        assert wrong.status_code == 401
    right = client.post("/login", data={"username": planner.username, "password": PASSWORD})
    assert right.status_code == 429 and "登录失败次数太多" in right.text


def test_every_cookie_is_secure_when_the_request_came_over_https(app, database):
    from fastapi.testclient import TestClient

    from ..factories import PASSWORD, make_planner, make_workshop

    with database.unit_of_work() as s:
        planner = make_planner(s)
        code = make_workshop(s).join_code
    client = TestClient(app, base_url="https://testserver")
    login = client.post(
        "/login", data={"username": planner.username, "password": PASSWORD}, follow_redirects=False
    )
    joined = client.post(f"/j/{code}", data={"consent": "true"}, follow_redirects=False)
    for response in (login, joined):
        cookies = response.headers.get_list("set-cookie")
        assert cookies and all("secure" in c.lower() for c in cookies), cookies
    plain = TestClient(app).post(f"/j/{code}", data={"consent": "true"}, follow_redirects=False)
    assert all("secure" not in c.lower() for c in plain.headers.get_list("set-cookie"))


def test_login_failures_are_shared_by_workers_and_survive_a_restart(settings, database):
    """Two app processes on one database (as `serve --workers 2`) count one budget; a
    new process (a restart) still refuses. The table holds hashes, not the username."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from workshop.accounts.models import LoginFailure
    from workshop.app import create_app

    from ..factories import PASSWORD, make_planner

    with database.unit_of_work() as s:
        planner = make_planner(s)
    workers = [TestClient(create_app(settings, migrate=False)) for _ in range(2)]
    for i in range(10):
        wrong = workers[i % 2].post(
            "/login", data={"username": planner.username, "password": "x" * 9}
        )
        assert wrong.status_code == 401
    for worker in workers:
        refused = worker.post("/login", data={"username": planner.username, "password": PASSWORD})
        assert refused.status_code == 429 and "登录失败次数太多" in refused.text
    restarted = TestClient(create_app(settings, migrate=False))
    assert (
        restarted.post(
            "/login", data={"username": planner.username, "password": PASSWORD}
        ).status_code
        == 429
    )
    with database.unit_of_work(write=False) as s:
        keys = list(s.scalars(select(LoginFailure.key)))
    # each failure counts for the account and for the address: 2 rows, both hashed
    assert len(keys) == 20 and all(planner.username not in k and len(k) == 64 for k in keys)
    # Someone else (another username) is not blocked by these failures.
    with database.unit_of_work() as s:
        other = make_planner(s)
    ok = restarted.post(
        "/login", data={"username": other.username, "password": PASSWORD}, follow_redirects=False
    )
    assert ok.status_code == 303
