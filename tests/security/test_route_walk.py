"""Walk the whole route table: nothing but the public pages answers without a login
(planner) or a join (resident)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ..factories import make_workshop
from .routes import fill, route_table

# /c/{code}: a printed ballot card's start screen (the card is the credential).
PUBLIC = {
    "/",
    "/login",
    "/logout",
    "/join",
    "/j/{code}",
    "/j/{code}/next",
    "/j/{code}/shared",
    "/c/{code}",
    "/register",  # apply to the expert pool; the account waits for review
    "/claim/{token}",  # the one-time token is the credential
    "/openapi.json",
}
# Base-map tiles are public imagery (no workshop data), like static files.
PUBLIC_PREFIXES = ("/tiles/",)


def test_no_route_is_hidden_from_the_route_table(app):
    hidden = [
        route.path
        for wrapper in app.routes
        for route in getattr(getattr(wrapper, "original_router", None), "routes", [])
        if not getattr(route, "include_in_schema", True)
    ]
    assert hidden == []


def test_every_non_public_route_requires_a_planner_or_a_participant(app, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="voting")
        values = {"workshop_id": ws.id, "code": ws.join_code}
    anonymous = TestClient(app)
    walked = 0
    for method, path in route_table(app):
        if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            continue
        url = fill(path, values)
        response = anonymous.request(method, url, follow_redirects=False)
        walked += 1
        if path.startswith("/console"):
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login?next="), (method, path)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            # Handing the tablet on leads to the next person's join screen; all else to join.
            expected = f"/j/{ws.join_code}" + ("/next" if path.endswith("/next-person") else "")
            assert response.headers["location"] == expected, (method, path)
    assert walked >= 20
