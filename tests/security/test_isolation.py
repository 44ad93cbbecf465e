"""A resident of workshop A can neither read nor change workshop B, by any route."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workshop.assets.models import Asset
from workshop.proposals.models import Proposal, Vote
from workshop.proposals.service import submit_proposal
from workshop.workshops.stages import advance_stage

from ..factories import demo_centre, make_workshop
from ..web.helpers import join
from .routes import fill, route_table

FORM = {"support": "true", "title": "越权", "name": "越权", "asset_class": "social"}


def _counts(database) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with database.unit_of_work(write=False) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Vote, Proposal, Asset))


def test_a_participant_of_one_workshop_cannot_touch_another(app, database):
    with database.unit_of_work() as s:
        a = make_workshop(s, stage="proposals")
        b = make_workshop(s, stage="proposals")
        theirs = submit_proposal(db=s, workshop=b, participant=None, title="B 的提案")
        ours = submit_proposal(db=s, workshop=a, participant=None, title="A 的提案")
        for ws in (a, b):
            advance_stage(db=s, workshop=ws)  # → voting
        a_code, b_code, theirs_id, ours_id = a.join_code, b.join_code, theirs.id, ours.id
    resident = TestClient(app)
    join(resident, a_code)
    assert "A 的提案" in resident.get(f"/w/{a_code}").text
    before = _counts(database)
    lon, lat = demo_centre()
    cookie = resident.cookies["ws_participant"]

    walked = 0
    for method, path in route_table(app):
        if "{code}" not in path or path in (
            "/j/{code}",
            "/j/{code}/next",
            "/j/{code}/shared",
            "/c/{code}",
        ):
            # /j/{code} is the public welcome: anyone with B's code may join B (/next and
            # /shared are its one-tap forms for shared tablets);
            # /c/{code} takes a ballot card's code, not a workshop's (tests/ballots).
            continue
        url = fill(path, {"code": b_code, "proposal_id": theirs_id})
        # (B's "next person" clears the device's cookie: put A's back each time.)
        resident.cookies.delete("ws_participant")
        resident.cookies.set("ws_participant", cookie)
        data = {**FORM, "lon": lon, "lat": lat} if method == "POST" else None
        response = resident.request(method, url, data=data, follow_redirects=False)
        walked += 1
        # Not joined to B: sent to B's welcome page, nothing of B shown.
        assert response.status_code == 303, (method, path, response.status_code)
        expected = f"/j/{b_code}" + ("/next" if path.endswith("/next-person") else "")
        assert response.headers["location"] == expected, (method, path)
        assert "B 的提案" not in response.text
    assert walked >= 7

    # Through A's own code, B's proposal is not found either.
    vote = resident.post(
        f"/w/{a_code}/proposals/{theirs_id}/support",
        data={"support": "true"},
        headers={"Accept": "application/json"},
    )
    assert vote.status_code == 404 and vote.json()["detail"]
    assert "B 的提案" not in resident.get(f"/w/{a_code}/proposals/_list").text
    assert _counts(database) == before
    # …while A's own proposal takes the vote.
    mine = resident.post(
        f"/w/{a_code}/proposals/{ours_id}/support",
        data={"support": "true"},
        headers={"HX-Request": "true"},
    )
    assert mine.status_code == 200
    assert _counts(database)[0] == before[0] + 1


def test_a_participant_cookie_of_a_does_not_open_the_console_of_a(app, database):
    with database.unit_of_work() as s:
        a = make_workshop(s, stage="voting")
        a_id, a_code = a.id, a.join_code
    resident = TestClient(app)
    join(resident, a_code)
    for path in ("", "/projector", "/projector/_board", "/assets.geojson", "/events"):
        r = resident.get(f"/console/workshops/{a_id}{path}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
