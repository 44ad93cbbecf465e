"""Hostile input: schemathesis generates requests from the app's OpenAPI schema.

No answer may be a server error, and every refusal (4xx) carries a readable JSON
`detail`. The budget is bounded (MAX_EXAMPLES per operation) so CI stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from workshop.assets import importing
from workshop.proposals.service import submit_proposal
from workshop.ratelimit import JOIN_CODES
from workshop.security import csrf_token_for
from workshop.workshops.stages import advance_stage

from ..factories import PASSWORD, demo_centre, make_planner, make_workshop
from ..web.helpers import join

MAX_EXAMPLES = 12  # ~140 operations: about 2 minutes (CI budget: 30 minutes for both databases)
# Login, join-by-code, registration and claiming an account answer a refusal with their
# form page and an alert in it.
FORM_PAGES = {
    ("POST", "/login"),
    ("POST", "/join"),
    ("POST", "/register"),
    ("GET", "/claim/{token}"),
    ("POST", "/claim/{token}"),
}
STREAMS = r"/events$"  # endless Server-Sent-Event streams: nothing to fuzz


@pytest.fixture
def fuzz_schema(app):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path_regex=STREAMS)


@pytest.fixture
def visitor(app, database):  # type: ignore[no-untyped-def]
    """A logged-in planner who also joined their own workshop (in voting) on the device,
    with a GIS file uploaded for the asset import (its token fills `{token}`)."""
    with database.unit_of_work() as s:
        planner = make_planner(s)
        ws = make_workshop(s, planner=planner, stage="proposals")
        submit_proposal(db=s, workshop=ws, participant=None, title="提案")
        advance_stage(db=s, workshop=ws)
        ids = {"code": ws.join_code, "workshop_id": ws.id}
    client = TestClient(app)
    client.post("/login", data={"username": planner.username, "password": PASSWORD})
    join(client, ws.join_code)
    cookies = {c.name: c.value for c in client.cookies.jar}
    token = csrf_token_for(app.state.secret_key, cookies)  # bound to the login session
    lon, lat = demo_centre()
    point = {"type": "Point", "coordinates": [lon, lat]}
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": point, "properties": {"名称": "古树"}}],
    }
    response = client.post(
        f"/console/workshops/{ws.id}/assets/import",
        files={"file": ("assets.geojson", json.dumps(collection).encode(), "application/json")},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    ids["token"] = response.headers["location"].rsplit("/", 1)[-1]
    folder = Path(app.state.settings.data_dir) / "imports" / "assets"
    upload = importing.upload_path(folder, ids["token"])
    return {"cookies": cookies, "token": token, "ids": ids, "upload": (upload, upload.read_bytes())}


def test_no_server_errors_and_every_refusal_says_why(fuzz_schema, visitor):  # type: ignore[no-untyped-def]
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same examples on every run: CI failures reproduce
        )
        def fuzz(case) -> None:  # type: ignore[no-untyped-def]
            _check(case, visitor)

        fuzz()


def _check(case, visitor) -> None:  # type: ignore[no-untyped-def]
    # Wrong card codes (/c/{code}) count as failed guesses from this client; 20 of them
    # would answer every later /w/{code} request 429 before its route read the body.
    JOIN_CODES.reset()
    # A case that imported the uploaded file used it up; put it back for the next one.
    upload, data = visitor["upload"]
    if not upload.exists():
        upload.write_bytes(data)
    # Real ids, so requests get past "not found" into the routes' own checks.
    for name, value in visitor["ids"].items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    response = case.call(
        headers={"X-CSRF-Token": visitor["token"], "Accept": "application/json"},
        cookies=visitor["cookies"],
    )
    where = f"{case.method} {case.formatted_path} -> {response.status_code}"
    assert response.status_code < 500, f"{where}: {response.text[:300]}"
    if not 400 <= response.status_code < 500:
        return
    content_type = response.headers.get("content-type", [""])[0]
    if (case.method, case.path) in FORM_PAGES and content_type.startswith("text/html"):
        # These re-render their form with the message, whatever the client accepts.
        assert 'role="alert"' in response.text, where
        return
    if case.path.startswith("/tiles/") and response.status_code == 404:
        # A tile missing from a pack is a transparent image, so maps show no broken tiles.
        assert content_type == "image/png", where
        return
    assert content_type.startswith("application/json"), f"{where}: {response.text[:300]}"
    detail = response.json().get("detail")
    assert isinstance(detail, str) and detail.strip(), f"{where}: {response.text[:300]}"


# Actions that take nothing but the CSRF token (a button in a form): no body to declare.
BODILESS = {
    "/logout",
    "/console/workshops/{workshop_id}/erase-personal-data",
    "/w/{code}/next-person",
    "/w/{code}/assets/{asset_id}/delete",
    "/w/{code}/assets/{asset_id}/support",
    "/w/{code}/assets/{asset_id}/support/withdraw",
    "/w/{code}/proposals/{proposal_id}/withdraw",
    "/console/workshops/{workshop_id}/rounds/close",
    "/console/workshops/{workshop_id}/assessment/finalise",
    "/console/workshops/{workshop_id}/assessment/regenerate",
    "/console/service-log/{entry_id}/delete",
    "/console/points/rules/reset",
    "/console/workshops/{workshop_id}/cards/{card_id}/cancel",
    # issue 15: a button each, the row named by the path
    "/console/admin/accounts/{account_id}/disable",
    "/console/admin/accounts/{account_id}/enable",
    "/console/bundles/keys/{key_id}/revoke",
    "/console/office/agreements/{agreement_id}/end",
    "/console/office/entries/{entry_id}/confirm",
    "/console/organisation/invitations/{invitation_id}/accept",
    "/console/sessions/{session_id}/end",
    "/console/admin/applications/{application_id}/approve",
    "/console/placeholders/{placeholder_id}/claim-link",
    "/console/communities/{community_id}/inventory/{item_id}/remove",
}


def test_every_post_declares_its_body_or_is_listed_as_bodiless(app):  # type: ignore[no-untyped-def]
    """A body the schema does not declare is a body the fuzz test never sends."""
    paths = app.openapi()["paths"]
    posts = {path: ops["post"] for path, ops in paths.items() if "post" in ops}
    undeclared = {path for path, op in posts.items() if "requestBody" not in op}
    assert undeclared == BODILESS

    # The routes that read their body by hand declare what they read.
    def fields(path: str, kind: str) -> set[str]:
        return set(posts[path]["requestBody"]["content"][kind]["schema"]["properties"])

    assert {"asset_class", "name", "geometry", "lon", "lat", "photo"} <= fields(
        "/w/{code}/assets", "multipart/form-data"
    )
    assert "geometry" in fields("/w/{code}/assets/{asset_id}", "application/json")
    community = fields("/console/communities/new", "multipart/form-data")
    assert {"name", "boundary", "boundary_file", "layers_file", "replace_layers"} <= community
    assert community == fields("/console/communities/{community_id}/edit", "multipart/form-data")
    rules = fields("/console/points/rules", "application/x-www-form-urlencoded")
    assert {"base_points.assessment", "capability.senior", "band0.lowest", "scope"} <= rules
    assert fields("/console/workshops/{workshop_id}/assets/import", "multipart/form-data") == {
        "file"
    }
    mapping = fields(
        "/console/workshops/{workshop_id}/assets/import/{token}",
        "application/x-www-form-urlencoded",
    )
    assert {"layer-0-class", "layer-0-subtype", "layer-0-name", "do_import"} <= mapping
