"""The permission matrix: every route of the app's route table × every role, with the
expected answer. A route missing from ACCESS fails the test, so a new route is never
shipped without deciding who may use it (issue 15).

"allowed" means the request got past the guards (any answer but 401, 403, or a 404 that
a guard gives); "denied" means 401 (login or join needed), 403, or a guard's 404 (the
app never reveals what belongs to someone else). Requests ask for JSON, so a denial is
the JSON {"detail", "code"} whose code names the guard.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from workshop.accounts.models import Invitation
from workshop.accounts.registration import ApplicationForm, apply
from workshop.accounts.service import found_organisation
from workshop.assessments import versions
from workshop.assessments.models import WorkshopFacilitator
from workshop.assets.models import Asset
from workshop.city import service as city
from workshop.db import utcnow
from workshop.followup.service import adopt
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops.models import Participant

from ..factories import PASSWORD, make_community, make_participant, make_planner, make_workshop
from ..records.helpers import closed_workshop
from .routes import route_table

ROLES = (  # least privileged first: later roles' writes (a new draft…) cannot hide access
    "anonymous",
    "resident_other",  # joined to another workshop
    "resident",  # joined to this workshop
    "planner",  # a planner without agreement
    "org_admin",  # administers an organisation; no agreement here
    "office_other",  # the street office of another community
    "office",  # the community's street office
    "co_facilitator",  # invited by the lead
    "lead",  # leads the workshop, under an active agreement
    "city_admin",
)
ACCOUNTS = set(ROLES) - {"anonymous", "resident_other", "resident"}
WHO = {
    "public": set(ROLES),
    "resident": {"resident"},
    "account": ACCOUNTS,
    "lead": {"lead"},
    "facilitator": {"lead", "co_facilitator"},
    "report": {"lead", "co_facilitator", "office"},
    "community_page": {"lead", "co_facilitator", "office"},
    "community_edit": {"lead", "office"},
    "office": {"office"},
    "any_office": {"office", "office_other"},
    "city_admin": {"city_admin"},
    "org_admin": {"org_admin"},
    "invitee": {"planner"},
    "importer": {"lead", "city_admin"},  # the planner who imported the workshop, or the city
}
GUARD_CODES = {
    "login.required",
    "join.required",
    "workshop.not_found",
    "community.not_found",
    "community.not_editable",
    "error.not_found",
    "log.not_found",
    "followup.not_found",
    "organisation.invitation_unknown",
    "organisation.admin_only",
    "agreement.required",
    "assessment.lead_only",
}
W = "/console/workshops/{workshop_id}"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("GET", "/register"): "public",  # apply to the expert pool (the account waits for review)
    ("POST", "/register"): "public",
    ("GET", "/claim/{token}"): "public",  # the token is the credential
    ("POST", "/claim/{token}"): "public",
    ("POST", "/console/placeholders/{placeholder_id}/claim-link"): "importer",
    ("POST", "/logout"): "public",
    ("GET", "/join"): "public",
    ("POST", "/join"): "public",
    ("GET", "/j/{code}"): "public",
    ("POST", "/j/{code}"): "public",
    ("GET", "/j/{code}/next"): "public",
    ("GET", "/j/{code}/shared"): "public",  # the planner's link that marks a shared tablet
    ("GET", "/c/{code}"): "public",
    ("POST", "/c/{code}"): "public",
    ("GET", "/tiles/{pack}/{z}/{x}/{y}.png"): "public",
    # handing the tablet on only forgets its participant: the next person joins afresh
    ("POST", "/w/{code}/next-person"): "public",
    # a planner's own desk: every account has one (empty for offices and admins)
    ("GET", "/console"): "account",
    ("POST", "/console/bundles/import"): "account",
    ("GET", "/console/bundles"): "account",  # each account sees its own imports
    ("POST", "/console/bundles/keys"): "city_admin",  # the city decides which laptops it trusts
    ("POST", "/console/bundles/keys/{key_id}/revoke"): "city_admin",
    ("GET", "/console/communities/new"): "account",
    ("POST", "/console/communities/new"): "account",
    ("POST", "/console/password"): "account",
    ("GET", "/console/points"): "account",
    ("GET", "/console/points.{ext}"): "account",
    ("POST", "/console/points/rules"): "account",
    ("POST", "/console/points/rules/reset"): "account",
    ("POST", "/console/profile"): "account",
    ("GET", "/console/records"): "account",
    ("GET", "/console/service-log"): "account",
    ("POST", "/console/service-log"): "account",
    ("GET", "/console/service-log.{ext}"): "account",
    ("GET", "/console/sessions"): "account",
    ("POST", "/console/sessions/{session_id}/end"): "account",
    ("POST", "/console/service-log/{entry_id}"): "lead",
    ("POST", "/console/service-log/{entry_id}/delete"): "lead",
    ("GET", "/console/service-log/{entry_id}/edit"): "lead",
    ("POST", "/console/organisation/invite"): "org_admin",
    ("POST", "/console/organisation/invitations/{invitation_id}/accept"): "invitee",
    ("POST", "/console/workshops"): "lead",  # needs an agreement for the community
    ("GET", "/console/communities/{community_id}"): "community_page",
    ("GET", "/console/communities/{community_id}/edit"): "community_edit",
    ("POST", "/console/communities/{community_id}/edit"): "community_edit",
    # the standing inventory: changed by the community's editors, read by its page's readers
    ("GET", "/console/communities/{community_id}/inventory/import"): "community_edit",
    ("POST", "/console/communities/{community_id}/inventory/import"): "community_edit",
    ("GET", "/console/communities/{community_id}/inventory/import/{token}"): "community_edit",
    ("POST", "/console/communities/{community_id}/inventory/import/{token}"): "community_edit",
    ("POST", "/console/communities/{community_id}/inventory/{item_id}/remove"): "community_edit",
    ("GET", "/console/communities/{community_id}/inventory.geojson"): "community_page",
    ("GET", "/console/communities/{community_id}/inventory.csv"): "community_page",
    ("GET", "/console/communities/{community_id}/inventory.gpkg"): "community_page",
    ("GET", "/console/communities/{community_id}/inventory.shp.zip"): "community_page",
    ("POST", "/console/follow-ups/{follow_up_id}"): "facilitator",
    ("GET", "/console/office"): "any_office",
    ("POST", "/console/office/agreements"): "office",
    ("POST", "/console/office/agreements/{agreement_id}/end"): "office",
    ("POST", "/console/office/entries/{entry_id}/confirm"): "office",
    ("POST", "/console/office/entries/{entry_id}/return"): "office",
    ("GET", "/console/admin"): "city_admin",
    ("POST", "/console/admin/applications/{application_id}/approve"): "city_admin",
    ("POST", "/console/admin/applications/{application_id}/reject"): "city_admin",
    ("POST", "/console/admin/accounts/{account_id}/disable"): "city_admin",
    ("POST", "/console/admin/accounts/{account_id}/enable"): "city_admin",
    ("POST", "/console/admin/communities/{community_id}/office"): "city_admin",
    ("POST", "/console/admin/offices"): "city_admin",
    ("POST", "/console/admin/offices/{office_id}/users"): "city_admin",
    **{
        ("GET" if m == "G" else "POST", W + p): "facilitator"
        for m, p in (
            ("G", "/_records_panel"),
            ("G", "/assessment"),
            ("P", "/assessment/reviews"),
            ("G", "/assessment/v/{version}"),
            ("G", "/bundle.zip"),
            ("G", "/export/workshop.xlsx"),
            ("G", "/export/{table}.csv"),
            ("G", "/export/{table}.geojson"),
            ("G", "/export/assets.gpkg"),
            ("G", "/export/assets.shp.zip"),
        )
    },
    **{("GET", W + p): "report" for p in ("/report.docx", "/report.html", "/report.pdf")},
    **{
        ("GET" if m == "G" else "POST", W + p): "lead"
        for m, p in (
            ("G", ""),
            ("G", "/_stage"),
            ("G", "/_stats"),
            ("G", "/voting/_round_bar"),
            ("P", "/assessment"),  # the record is the lead's to edit and finalise
            ("P", "/assessment/adopt"),
            ("P", "/assessment/finalise"),
            ("P", "/assessment/regenerate"),
            ("P", "/facilitators"),
            ("G", "/analysis"),
            ("G", "/assets/import"),  # importing existing assets is the lead's
            ("P", "/assets/import"),
            ("G", "/assets/import/{token}"),
            ("P", "/assets/import/{token}"),
            ("G", "/analysis/gaps.geojson"),
            ("G", "/assets.geojson"),
            ("G", "/assets/_panel"),
            ("P", "/assets/subtypes"),
            ("P", "/assets/{asset_id}/hide"),
            ("G", "/assets/{asset_id}/photo"),
            ("P", "/assets/{keep_id}/merge"),
            ("P", "/ballots"),
            ("G", "/ballots/_panel"),
            ("P", "/ballots/correct"),
            ("G", "/cards"),
            ("P", "/cards"),
            ("G", "/cards.pdf"),
            ("P", "/cards/{card_id}/cancel"),
            ("P", "/delete"),
            ("G", "/edit"),
            ("P", "/edit"),
            ("P", "/erase-personal-data"),
            ("G", "/events"),
            ("P", "/population"),
            ("P", "/poster"),
            ("G", "/poster.pdf"),
            ("G", "/projector"),
            ("G", "/projector/_board"),
            ("G", "/proposals/{proposal_id}/_edit"),
            ("P", "/proposals/{proposal_id}/edit"),
            ("P", "/proposals/{proposal_id}/hide"),
            ("P", "/proposals/{proposal_id}/merge"),
            ("G", "/qr.svg"),
            ("P", "/rounds"),
            ("P", "/rounds/close"),
            ("P", "/rounds/results"),
            ("P", "/rules"),
            ("P", "/stage"),
            ("G", "/verify"),
            ("G", "/voting/_panel"),
            ("G", "/voting/_results"),
        )
    },
    **{
        ("GET" if m == "G" else "POST", "/w/{code}" + p): "resident"
        for m, p in (
            ("G", ""),
            ("G", "/_stage"),
            ("P", "/assets"),
            ("G", "/assets.geojson"),
            ("P", "/assets/{asset_id}"),
            ("P", "/assets/{asset_id}/delete"),
            ("G", "/assets/{asset_id}/photo"),
            ("P", "/assets/{asset_id}/support"),
            ("P", "/assets/{asset_id}/support/withdraw"),
            ("G", "/events"),
            ("P", "/proposals"),
            ("G", "/proposals/_list"),
            ("G", "/proposals/_voting"),
            ("P", "/proposals/{proposal_id}/support"),
            ("P", "/proposals/{proposal_id}/vote"),
            ("P", "/proposals/{proposal_id}/withdraw"),
            ("P", "/satisfaction"),
            ("P", "/typing"),
        )
    },
}
STREAMS = {"/console/workshops/{workshop_id}/events", "/w/{code}/events"}  # never end
LAST = {("POST", "/logout")}  # ends the session the rest of the walk needs


def _arrange(database, secret: str) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """The city: a community with its street office, a lead under agreement with a closed,
    finalised workshop, a co-facilitator, and one account of every other role."""
    with database.unit_of_work() as s:
        office = city.create_street_office(s, by=None, name="甲街道办")
        other_office = city.create_street_office(s, by=None, name="乙街道办")
        community = make_community(s, street_office_id=office.id)
        other_community = make_community(s, name="乙社区", street_office_id=other_office.id)
        lead = make_planner(s, username="lead")
        city.sign_agreement(s, by=None, planner=lead, community=community)
        ws, proposals = closed_workshop(s, planner=lead, community=community)
        versions.finalise(db=s, workshop=ws, planner=lead)
        follow_up = adopt(db=s, workshop=ws, planner=lead, proposal_id=proposals["步道照明"].id)
        co = make_planner(s, username="co")
        s.add(WorkshopFacilitator(workshop_id=ws.id, planner_id=co.id))
        planner = make_planner(s, username="planner")
        org_admin = make_planner(s, username="orgadmin")
        found_organisation(db=s, planner=org_admin, name="甲规划院")
        s.add(Invitation(kind="organisation", planner_id=planner.id, organisation_id=1))
        for name, role, office_id in (
            ("office", "street_office", office.id),
            ("office_other", "street_office", other_office.id),
            ("cityadmin", "city_admin", None),
        ):
            user = make_planner(s, username=name)
            user.role, user.street_office_id = role, office_id
        spare = make_planner(s, username="spare")
        spare_agreement = city.sign_agreement(s, by=None, planner=spare, community=community)
        other_ws = make_workshop(s, community=other_community, planner=spare)
        resident_here = s.scalars(
            select(Participant).where(Participant.workshop_id == ws.id)
        ).first()
        resident_there = make_participant(s, other_ws)
        s.flush()
        entry = s.scalar(select(ServiceLogEntry).where(ServiceLogEntry.planner_id == lead.id))
        invitation = s.scalar(select(Invitation.id))
        # A registration awaiting review, and a placeholder the lead's import named.
        application = apply(
            db=s,
            form=ApplicationForm(
                username="applicant", name="申请人", password=PASSWORD, password_again=PASSWORD
            ),
        )
        placeholder = make_planner(s, username="placeholder")
        placeholder.password_hash, placeholder.disabled_at = "!invited", utcnow()
        s.add(Invitation(kind="account", planner_id=placeholder.id, workshop_id=ws.id))
        values = {
            "workshop_id": ws.id,
            "code": ws.join_code,
            "community_id": community.id,
            "proposal_id": proposals["修缮老院子"].id,
            "asset_id": s.scalar(select(Asset.id).where(Asset.workshop_id == ws.id)),
            "keep_id": s.scalar(select(Asset.id).where(Asset.workshop_id == ws.id)),
            "card_id": 1,
            "item_id": 1,
            "entry_id": entry.id,
            "follow_up_id": follow_up.id,
            "version": 1,
            "session_id": 999_999,
            "invitation_id": invitation,
            "agreement_id": spare_agreement.id,
            "account_id": spare.id,
            "application_id": application.id,
            "placeholder_id": placeholder.id,
            "office_id": office.id,
            "table": "assets",
            "ext": "csv",
            "pack": "demo",
            "z": 0,
            "x": 0,
            "y": 0,
        }
        cookie = URLSafeSerializer(secret, salt="participant")
        residents = {
            "resident": cookie.dumps({"w": ws.id, "t": resident_here.token}),
            "resident_other": cookie.dumps({"w": other_ws.id, "t": resident_there.token}),
        }
    return values, residents


def _client(app, role: str, residents: dict) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, headers={"Accept": "application/json"})
    username = {"org_admin": "orgadmin", "city_admin": "cityadmin", "co_facilitator": "co"}.get(
        role, role
    )
    if role in ACCOUNTS:
        answer = client.post(
            "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
        )
        assert answer.status_code == 303, role
    elif role in residents:
        client.cookies.set("ws_participant", residents[role])
    return client


def _form(schema: dict, operation: dict, values: dict) -> dict:
    """A plausible body from the route's OpenAPI form schema (so a guard inside the route
    is reached, not a 422 for a missing field)."""
    content = (operation.get("requestBody") or {}).get("content", {})
    body = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    form = {}
    for name, spec in body.get("properties", {}).items():
        if spec.get("format") == "binary" or "anyOf" in spec and "binary" in str(spec):
            continue
        if name in values:
            form[name] = values[name]
        elif name in ("date", "on", "starts_on", "ends_on"):
            form[name] = "2026-12-01"
        elif name == "username":
            form[name] = "planner"
        elif spec.get("type") == "integer":
            form[name] = 1
        elif spec.get("type") == "boolean":
            form[name] = "true"
        else:
            form[name] = "1"
    return form


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    """ "denied" when a guard answered (its JSON code, or a redirect to log in or join)."""
    if response.status_code in (401, 403, 404):
        try:
            code = response.json().get("code")
        except ValueError:
            code = None
        return "denied" if code in GUARD_CODES else "allowed"
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.startswith(("/login", "/j/", "/join")):
        return "denied"
    return "allowed"


def test_every_route_answers_every_role_as_the_matrix_says(app, database):
    from .routes import fill

    routes = route_table(app)
    missing = sorted(set(routes) - set(ACCESS))
    assert missing == [], f"routes without a permission entry: {missing}"
    stale = sorted(set(ACCESS) - set(routes))
    assert stale == [], f"entries for routes that no longer exist: {stale}"

    values, residents = _arrange(database, app.state.secret_key)
    schema = app.openapi()
    ordered = sorted(routes, key=lambda r: r in LAST)
    wrong = []
    for role in ROLES:
        client = _client(app, role, residents)
        for method, path in ordered:
            allowed = role in WHO[ACCESS[(method, path)]]
            if path in STREAMS and allowed:
                continue  # an open event stream; its guard is checked for the denied roles
            public = ACCESS[(method, path)] == "public"
            operation = schema["paths"][path][method.lower()]
            response = client.request(
                method,
                fill(path, values),
                data=_form(schema, operation, values) if method == "POST" else None,
                follow_redirects=False,
            )
            if public and response.status_code < 500:
                continue  # public: any answer but a crash (a wrong password is a 401)
            if _outcome(response) != ("allowed" if allowed else "denied"):
                wrong.append((role, method, path, response.status_code, response.text[:80]))
    assert wrong == [], "\n".join(map(str, wrong))
