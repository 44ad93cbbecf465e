"""Server-side sessions that hold, a CSRF token bound to its session, and throttling that
counts per account and per address (issue 15)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from workshop.accounts.models import LoginSession, Planner
from workshop.db import utcnow
from workshop.proposals.models import Vote
from workshop.proposals.service import submit_proposal
from workshop.security import csrf_token_for
from workshop.workshops.stages import advance_stage

from ..factories import PASSWORD, make_planner, make_workshop
from ..web.helpers import join


def _login(app, username: str, password: str = PASSWORD, address: str = "testclient"):  # type: ignore[no-untyped-def]
    client = TestClient(app, client=(address, 50000))
    answer = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    return client, answer


def _planner(database, **fields) -> str:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        return make_planner(s, **fields).username


def _opens_console(client: TestClient) -> bool:
    return client.get("/console", follow_redirects=False).status_code == 200


def test_logout_ends_the_session_on_the_server(app, database):
    name = _planner(database)
    browser, _ = _login(app, name)
    copy = TestClient(app)
    copy.cookies.set("ws_session", browser.cookies["ws_session"])
    assert _opens_console(copy)
    assert browser.post("/logout", follow_redirects=False).status_code == 303
    assert not _opens_console(copy)  # the copied cookie names an ended session
    assert not _opens_console(browser)


def test_password_change_ends_every_other_session(app, database):
    name = _planner(database)
    laptop, _ = _login(app, name)
    phone, _ = _login(app, name)
    page = laptop.get("/console/sessions")
    assert page.text.count("/end") == 1 and "本设备" in page.text  # two sessions listed
    wrong = laptop.post(
        "/console/password",
        data={"current": "not it", "password": "a-new-password"},
        headers={"Accept": "text/html"},
    )
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
    assert _opens_console(phone)
    changed = laptop.post(
        "/console/password",
        data={"current": PASSWORD, "password": "a-new-password"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert not _opens_console(phone)
    assert _opens_console(laptop)  # this browser got a fresh session
    assert _login(app, name)[1].status_code == 401  # the old password is refused
    assert _login(app, name, "a-new-password")[1].status_code == 303


def test_an_administrators_disable_ends_every_session_and_login(app, database):
    name = _planner(database)
    with database.unit_of_work() as s:
        admin = make_planner(s, username="cityadmin")
        admin.role = "city_admin"
        target = s.scalar(select(Planner.id).where(Planner.username == name))
    victim, _ = _login(app, name)
    assert _opens_console(victim)
    boss, _ = _login(app, "cityadmin")
    assert boss.post(f"/console/admin/accounts/{target}/disable").status_code in (200, 303)
    assert not _opens_console(victim)
    assert _login(app, name)[1].status_code == 401  # refused: the login page again
    # Only a city administrator may disable: a planner gets 404 and nothing changes.
    other = _planner(database)
    planner_client, _ = _login(app, other)
    with database.unit_of_work(write=False) as s:
        admin_id = s.scalar(select(Planner.id).where(Planner.username == "cityadmin"))
    assert planner_client.post(f"/console/admin/accounts/{admin_id}/disable").status_code == 404
    assert boss.get("/console/admin").status_code == 200  # the admin still in


def test_an_idle_session_expires(app, database):
    name = _planner(database)
    browser, _ = _login(app, name)
    assert _opens_console(browser)
    idle = app.state.settings.session_idle_minutes
    with database.unit_of_work() as s:
        s.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=idle + 1)))
    answer = browser.get("/console", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_the_csrf_token_is_bound_to_the_session(app, database):
    name = _planner(database)
    alice, _ = _login(app, name)
    mallory, _ = _login(app, _planner(database))
    secret = app.state.secret_key
    mallory_token = csrf_token_for(secret, {c.name: c.value for c in mallory.cookies.jar})
    # Mallory's token (and her CSRF cookie) with Alice's session cookie: refused.
    forged = TestClient(app)
    forged.csrf_auto = False  # type: ignore[attr-defined]
    forged.cookies.set("ws_csrf", mallory.cookies["ws_csrf"])
    forged.cookies.set("ws_session", alice.cookies["ws_session"])
    answer = forged.post(
        "/console/profile",
        data={"discipline": "engineer", "title": "senior"},
        headers={"X-CSRF-Token": mallory_token},
    )
    assert answer.status_code == 403
    with database.unit_of_work(write=False) as s:
        assert s.scalar(select(Planner.discipline).where(Planner.username == name)) == "planner"
    # Alice's pages carry the token of her own session, which Mallory's is not.
    alice_token = csrf_token_for(secret, {c.name: c.value for c in alice.cookies.jar})
    assert alice_token != mallory_token
    assert f'name="csrf_token" value="{alice_token}"' in alice.get("/console/points").text


def test_login_failures_count_per_account_across_addresses(app, database):
    name = _planner(database)
    for i in range(10):
        assert _login(app, name, "wrong", address=f"10.0.0.{i}")[1].status_code == 401
    client, answer = _login(app, name, address="10.9.9.9")  # the right password, new address
    assert answer.status_code == 429 and "秒后再试" in answer.text
    assert not _opens_console(client)


def test_login_failures_count_per_address_across_accounts(app, database):
    for i in range(20):
        assert _login(app, f"nobody{i}", "wrong", address="10.1.1.1")[1].status_code == 401
    name = _planner(database)
    assert _login(app, name, address="10.1.1.1")[1].status_code == 429
    assert _login(app, name, address="10.1.1.2")[1].status_code == 303


def test_x_forwarded_for_is_not_believed_by_default(app, database):
    for i in range(20):
        spoof = TestClient(app, client=("10.2.2.2", 50000))
        spoof.post(
            "/login",
            data={"username": f"x{i}", "password": "wrong"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
    name = _planner(database)
    assert _login(app, name, address="10.2.2.2")[1].status_code == 429


def test_serve_trusts_proxy_headers_only_from_configured_addresses(monkeypatch, tmp_path):
    import uvicorn

    from workshop import cli

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    monkeypatch.setattr(cli, "print_urls", lambda *a: None)
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path))
    cli.get_settings.cache_clear()
    try:
        assert cli.main(["serve"]) == 0
        assert seen["proxy_headers"] is False
        monkeypatch.setenv("WORKSHOP_TRUSTED_PROXIES", "10.0.0.5")
        cli.get_settings.cache_clear()
        assert cli.main(["serve"]) == 0
        assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5"
    finally:
        cli.get_settings.cache_clear()


def test_a_joined_tablet_is_never_locked_out_by_other_devices_wrong_codes(app, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals")
        proposal = submit_proposal(db=s, workshop=ws, participant=None, title="座椅")
        advance_stage(db=s, workshop=ws)  # voting
        code, proposal_id = ws.join_code, proposal.id
    tablet = TestClient(app, client=("192.168.1.20", 50000))  # the room's NAT address
    join(tablet, code)
    guesser = TestClient(app, client=("192.168.1.20", 50000))
    for i in range(20):
        assert guesser.post("/join", data={"code": f"ZZZZ{i:02d}"}).status_code == 404
    assert guesser.post("/join", data={"code": code}).status_code == 429
    vote = tablet.post(
        f"/w/{code}/proposals/{proposal_id}/support",
        data={"support": "true"},
        headers={"HX-Request": "true"},
    )
    assert vote.status_code == 200
    assert tablet.get(f"/w/{code}").status_code == 200
    with database.unit_of_work(write=False) as s:
        assert s.scalar(select(Vote.proposal_id)) == proposal_id
