"""Planners register on /register and a city administrator reviews them into the expert
pool (审核入库) on /console/admin: approve, or reject with a reason (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from workshop.accounts.models import Application, Invitation, LoginFailure, Planner
from workshop.accounts.service import accept_invitation, found_organisation
from workshop.city.models import ActivityLog
from workshop.db import utcnow
from workshop.i18n import t, use_locale
from workshop.ratelimit import (
    LOGINS_PER_ACCOUNT,
    REGISTRATIONS_PER_ADDRESS,
    StoredFailureLimiter,
    TooManyAttempts,
)

from ..factories import PASSWORD, make_planner
from .pages import alert, field_value, node_text, option_texts

FORM = {
    "username": "wangfang",
    "name": "王芳",
    "password": "long-enough-1",
    "password_again": "long-enough-1",
    "discipline": "architect",
    "title": "senior",
    "organisation_id": "0",
    "phone": "138 0000 0000",
    "email": "wf@example.org",
    "statement": "做过三个社区的微更新。",
}


def _as(app, username: str, password: str = PASSWORD) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    answer = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text[:200]
    return client


def _accounts(database) -> dict:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        admin = make_planner(s, username="cityadmin", name="市管理员")
        admin.role = "city_admin"
        office = make_planner(s, username="office")
        office.role = "street_office"
        planner = make_planner(s, username="planner")
        org = found_organisation(db=s, planner=planner, name="甲规划院")
        other = make_planner(s, username="other-admin")
        found_organisation(db=s, planner=other, name="乙规划院")
        return {"org": org.id}


def _count(database, model) -> int:  # type: ignore[no-untyped-def]
    with database.unit_of_work(write=False) as s:
        return s.scalar(select(func.count()).select_from(model))


def _login_error(client: TestClient, username: str, password: str) -> str:
    answer = client.post("/login", data={"username": username, "password": password})
    return alert(answer.text)


def test_a_planner_applies_waits_for_review_and_logs_in_once_approved(app, client, database):
    ids = _accounts(database)
    page = client.get("/register")
    assert page.status_code == 200
    assert "甲规划院" in option_texts(page.text, "organisation_id")  # a record, not text
    assert field_value(page.text, "organisation") is None

    sent = client.post(
        "/register", data={**FORM, "organisation_id": str(ids["org"])}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/login?done=applied"
    assert t("register.sent") in client.get(sent.headers["location"]).text

    # Pending: the right password says the application waits; a wrong one says no more
    # than for any unknown username.
    assert _login_error(client, "wangfang", "long-enough-1") == t("login.pending")
    assert _login_error(client, "wangfang", "wrong-password") == t("login.failed")
    assert _login_error(client, "nobody-here", "wrong-password") == t("login.failed")

    admin = _as(app, "cityadmin")
    listed = node_text(admin.get("/console/admin").text, "applications")
    assert "王芳" in listed and "甲规划院" in listed
    with database.unit_of_work(write=False) as s:
        application = s.scalars(select(Application)).one()
        assert application.decision == "pending" and application.phone == "138 0000 0000"
    done = admin.post(
        f"/console/admin/applications/{application.id}/approve", follow_redirects=False
    )
    assert done.status_code == 303

    _as(app, "wangfang", "long-enough-1")  # approved: logs in
    with database.unit_of_work(write=False) as s:
        planner = s.scalar(select(Planner).where(Planner.username == "wangfang"))
        # The city's review admits to the pool; the organisation is asked, not joined.
        assert planner.organisation_id is None
        assert planner.discipline == "architect" and planner.title == "senior"
        stored = s.get(Application, application.id)
        admin_id = s.scalar(select(Planner.id).where(Planner.username == "cityadmin"))
        assert (stored.decision, stored.decided_by) == ("approved", admin_id)
        assert stored.decided_at is not None
        log = s.scalar(select(ActivityLog).where(ActivityLog.action == "application.approve"))
        assert log.actor_id == admin_id and log.detail["account"] == planner.id
    assert "application.approve" in _actions(database)
    # Another organisation's administrator never sees it.
    other_admin = _as(app, "other-admin")
    assert node_text(other_admin.get("/console/points").text, "join-requests") == ""
    # The organisation's administrator sees the request and invites; the planner accepts.
    org_admin = _as(app, "planner")
    requests = node_text(org_admin.get("/console/points").text, "join-requests")
    assert "王芳" in requests
    invited = org_admin.post("/console/organisation/invite", data={"username": "wangfang"})
    assert invited.status_code == 200
    assert node_text(org_admin.get("/console/points").text, "join-requests") == ""
    with database.unit_of_work(write=False) as s:
        invitation = s.scalar(select(Invitation).where(Invitation.kind == "organisation"))
        assert invitation.organisation_id == ids["org"] and invitation.accepted_at is None
    with database.unit_of_work() as s:
        wangfang = s.scalar(select(Planner).where(Planner.username == "wangfang"))
        accept_invitation(db=s, planner=wangfang, invitation_id=invitation.id)
    with database.unit_of_work(write=False) as s:
        wangfang = s.scalar(select(Planner).where(Planner.username == "wangfang"))
        assert wangfang.organisation_id == ids["org"] and wangfang.organisation == "甲规划院"
    again = admin.post(
        f"/console/admin/applications/{application.id}/approve",
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 409  # decided once


def _actions(database) -> list[str]:  # type: ignore[no-untyped-def]
    with database.unit_of_work(write=False) as s:
        return list(s.scalars(select(ActivityLog.action).order_by(ActivityLog.id)))


def test_a_rejected_applicant_reads_the_reason_and_cannot_log_in(app, client, database):
    _accounts(database)
    client.post("/register", data=FORM)
    with database.unit_of_work(write=False) as s:
        application_id = s.scalar(select(Application.id))
    admin = _as(app, "cityadmin")
    url = f"/console/admin/applications/{application_id}/reject"
    # No reason: refused with a message, nothing decided.
    blank = admin.post(url, data={"reason": "  "}, headers={"Accept": "application/json"})
    assert blank.status_code == 422
    assert blank.json()["detail"] == t("application.reason_required")
    with database.unit_of_work(write=False) as s:
        assert s.get(Application, application_id).decision == "pending"
    rejected = admin.post(url, data={"reason": "资格证书未上传"}, follow_redirects=False)
    assert rejected.status_code == 303
    message = _login_error(client, "wangfang", "long-enough-1")
    assert message == t("login.rejected", reason="资格证书未上传")
    assert "资格证书未上传" in node_text(admin.get("/console/admin").text, "decisions")
    # An administrator cannot "enable" around the review.
    with database.unit_of_work(write=False) as s:
        account = s.scalar(select(Planner.id).where(Planner.username == "wangfang"))
    enable = admin.post(
        f"/console/admin/accounts/{account}/enable", headers={"Accept": "application/json"}
    )
    assert enable.status_code == 409
    assert _login_error(client, "wangfang", "long-enough-1").startswith(
        t("login.rejected", reason="")
    )
    assert [a for a in _actions(database) if a.startswith("application.")] == [
        "application.submit",
        "application.reject",
    ]


def _forget_attempts(database) -> None:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        s.execute(delete(LoginFailure))


def test_wrong_input_says_why_in_chinese_and_stores_nothing(app, client, database):
    ids = _accounts(database)
    before = (_count(database, Planner), _count(database, Application))
    cases = {
        "register.username_invalid": {"username": "王 芳"},
        "planner.username_taken": {"username": "planner"},
        "password.mismatch": {"password_again": "different-1"},
        "planner.password_short": {"password": "short", "password_again": "short"},
        "register.name_required": {"name": "   "},
        "register.organisation_unknown": {"organisation_id": str(ids["org"] + 99)},
        "register.phone_invalid": {"phone": "call me"},
        "register.email_invalid": {"email": "not-an-address"},
        "planner.unknown_discipline": {"discipline": "lawyer"},
    }
    for key, change in cases.items():
        _forget_attempts(database)  # more cases than the per-address budget
        answer = client.post("/register", data={**FORM, **change})
        assert answer.status_code in (409, 422), key
        assert alert(answer.text) == t(key, limit=8), key
        # What was typed stays in the form (never the password).
        assert field_value(answer.text, "email") == change.get("email", FORM["email"])
        assert field_value(answer.text, "password") == ""
    assert (_count(database, Planner), _count(database, Application)) == before
    with use_locale("zh-CN"):
        assert "用户名" in t("register.username_invalid")
    english = client.post("/register?lang=en", data={**FORM, "username": "x"})
    assert english.status_code == 422


def test_registration_is_throttled_per_address(client, database):
    _accounts(database)
    for _ in range(REGISTRATIONS_PER_ADDRESS.limit):
        client.post("/register", data={**FORM, "username": "planner"})  # taken: refused
    limited = client.post("/register", data={**FORM, "username": "fresh-name"})
    assert limited.status_code == 429
    assert "秒后再试" in alert(limited.text)
    assert _count(database, Application) == 0


def test_a_shorter_window_never_purges_another_limiters_failures(db):
    """Every stored limiter shares login_failure: a wrong join code (60 s window) must not
    erase login or registration failures their 5-minute windows still count."""
    account = "account|victim"
    for _ in range(LOGINS_PER_ACCOUNT.limit):
        db.add(
            LoginFailure(key=LOGINS_PER_ACCOUNT._hash(account), at=utcnow() - timedelta(seconds=90))
        )
    db.flush()
    StoredFailureLimiter(limit=20, window=60.0, message_key="join.too_many").fail(db, "x")
    with pytest.raises(TooManyAttempts):
        LOGINS_PER_ACCOUNT.check(db, account)


def test_only_a_city_administrator_decides(app, client, database):
    _accounts(database)
    client.post("/register", data=FORM)
    with database.unit_of_work(write=False) as s:
        application_id = s.scalar(select(Application.id))
    for username in ("planner", "office"):
        other = _as(app, username)
        for action, data in (("approve", {}), ("reject", {"reason": "不行"})):
            answer = other.post(
                f"/console/admin/applications/{application_id}/{action}",
                data=data,
                headers={"Accept": "application/json"},
            )
            assert answer.status_code in (403, 404), (username, action)
        assert other.get("/console/admin").status_code in (403, 404)
    anonymous = TestClient(app).post(
        f"/console/admin/applications/{application_id}/approve", follow_redirects=False
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    with database.unit_of_work(write=False) as s:
        assert s.get(Application, application_id).decision == "pending"
        assert s.scalar(select(Planner.disabled_at).where(Planner.username == "wangfang"))
