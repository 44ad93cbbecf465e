"""An imported bundle's unknown planner is a disabled placeholder; a city administrator or
the importer makes a one-time claim link, and its owner sets a password (issue 15)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.accounts import claims
from workshop.accounts.models import Invitation, Planner
from workshop.accounts.sessions import token_hash
from workshop.bundle.planners import map_planners, record_names
from workshop.city.models import ActivityLog
from workshop.db import utcnow
from workshop.i18n import t

from ..factories import PASSWORD, make_planner, make_workshop
from .pages import alert, claim_link, field_value, node_text


def _as(app, username: str, password: str = PASSWORD) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    answer = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text[:300]
    return client


def _arrange(database) -> dict:  # type: ignore[no-untyped-def]
    """An importer whose imported workshop named `zhanggong` (lead) and `ligong` (co)."""
    with database.unit_of_work() as s:
        admin = make_planner(s, username="cityadmin")
        admin.role = "city_admin"
        office = make_planner(s, username="office")
        office.role = "street_office"
        make_planner(s, username="bystander")
        importer = make_planner(s, username="importer")
        ws = make_workshop(s, planner=importer)
        rows = [
            {"id": 7, "username": "zhanggong", "name": "张工"},
            {"id": 8, "username": "ligong", "name": "李工", "discipline": "engineer"},
        ]
        ids = map_planners(s, rows, lead_id=7, owner_id=importer.id)
        record_names(s, rows, ids, workshop_id=ws.id)
        return {"placeholder": ids[8], "workshop": ws.title}


def _link(client: TestClient, account_id: int) -> str:
    answer = client.post(f"/console/placeholders/{account_id}/claim-link")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["cache-control"] == "no-store"
    return claim_link(answer.text).removeprefix("http://testserver")


def test_the_admin_lists_placeholders_makes_a_link_and_its_owner_claims_it(app, database):
    ids = _arrange(database)
    admin = _as(app, "cityadmin")
    listed = node_text(admin.get("/console/admin").text, "placeholders")
    assert "ligong" in listed and ids["workshop"] in listed
    path = _link(admin, ids["placeholder"])
    assert path.startswith("/claim/")
    with database.unit_of_work(write=False) as s:
        invitation = s.scalar(select(Invitation).where(Invitation.planner_id == ids["placeholder"]))
        token = path.removeprefix("/claim/")
        assert invitation.token_hash == token_hash(token)  # stored hashed, never plain
        assert token not in (invitation.token_hash or "")
        days = (invitation.expires_at - utcnow()) / timedelta(days=1)
        assert 13.9 < days <= 14

    owner = TestClient(app)
    page = owner.get(path)
    assert page.status_code == 200 and field_value(page.text, "name") == "李工"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    done = owner.post(
        path,
        data={"name": "李工程师", "password": "claimed-pass", "password_again": "claimed-pass"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/login?done=claimed"
    _as(app, "ligong", "claimed-pass")
    with database.unit_of_work(write=False) as s:
        account = s.get(Planner, ids["placeholder"])
        assert account.name == "李工程师" and account.disabled_at is None
        assert account.discipline == "engineer"
        actions = list(s.scalars(select(ActivityLog.action).order_by(ActivityLog.id)))
        assert actions[-2:] == ["account.claim_link", "account.claim"]
    # Used: a clear message, and the password cannot be set again with it.
    used = owner.get(path)
    assert used.status_code == 410 and alert(used.text) == t("claim.used")
    again = owner.post(
        path, data={"name": "x", "password": "another-pass", "password_again": "another-pass"}
    )
    assert again.status_code == 410
    _as(app, "ligong", "claimed-pass")
    assert "ligong" not in node_text(admin.get("/console/admin").text, "placeholders")


def test_unknown_expired_and_replaced_links_say_so(app, database):
    ids = _arrange(database)
    admin = _as(app, "cityadmin")
    visitor = TestClient(app)
    unknown = visitor.get("/claim/not-a-real-token")
    assert unknown.status_code == 404 and alert(unknown.text) == t("claim.unknown")
    first = _link(admin, ids["placeholder"])
    second = _link(admin, ids["placeholder"])  # a new link cancels the old one
    assert visitor.get(first).status_code == 404
    assert visitor.get(second).status_code == 200
    with database.unit_of_work() as s:
        invitation = s.scalar(select(Invitation).where(Invitation.planner_id == ids["placeholder"]))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
    expired = visitor.get(second)
    assert expired.status_code == 410 and alert(expired.text) == t("claim.expired")
    refused = visitor.post(
        second, data={"name": "李工", "password": "claimed-pass", "password_again": "claimed-pass"}
    )
    assert refused.status_code == 410
    with database.unit_of_work(write=False) as s:
        assert claims.is_placeholder(s.get(Planner, ids["placeholder"]))


def test_wrong_input_says_why_and_changes_nothing(app, database):
    ids = _arrange(database)
    path = _link(_as(app, "cityadmin"), ids["placeholder"])
    visitor = TestClient(app)
    cases = {
        "password.mismatch": {"password": "claimed-pass", "password_again": "claimed-pasS"},
        "planner.password_short": {"password": "short", "password_again": "short"},
        "register.name_required": {"name": " ", "password": "claimed-pass"},
    }
    for key, change in cases.items():
        data = {"name": "李工", "password": "claimed-pass", "password_again": "claimed-pass"}
        answer = visitor.post(path, data={**data, **change})
        assert answer.status_code == 422, key
        assert alert(answer.text) == t(key, limit=8), key
    with database.unit_of_work(write=False) as s:
        account = s.get(Planner, ids["placeholder"])
        assert claims.is_placeholder(account) and account.name == "李工"
    assert visitor.get(path).status_code == 200  # the link still works


def test_the_importer_makes_links_for_its_imports_only(app, database):
    ids = _arrange(database)
    importer = _as(app, "importer")
    listed = node_text(importer.get("/console/bundles").text, "placeholders")
    assert "ligong" in listed
    assert _link(importer, ids["placeholder"]).startswith("/claim/")
    for username in ("bystander", "office"):
        other = _as(app, username)
        assert "ligong" not in other.get("/console/bundles").text
        answer = other.post(
            f"/console/placeholders/{ids['placeholder']}/claim-link",
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 404, username
    # Only placeholders: never a link to take over a working account.
    with database.unit_of_work(write=False) as s:
        working = s.scalar(select(Planner.id).where(Planner.username == "bystander"))
    admin = _as(app, "cityadmin")
    refused = admin.post(
        f"/console/placeholders/{working}/claim-link", headers={"Accept": "application/json"}
    )
    assert refused.status_code == 404
