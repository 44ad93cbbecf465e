"""Pages of the street office (/console/office) and the city administrator (/console/admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from workshop.accounts import claims, registration, sessions
from workshop.accounts.models import Planner
from workshop.accounts.service import create_planner
from workshop.city import office, service
from workshop.city.models import Agreement, StreetOffice
from workshop.communities.models import Community
from workshop.db import utcnow
from workshop.deps import CityAdmin, DbSession, RowId, StreetOfficeUser
from workshop.errors import Conflict, Invalid, NotFound
from workshop.templating import go_to, render

router = APIRouter(prefix="/console")
Name = Annotated[str, Form(max_length=100)]


def _day(raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("log.date_invalid") from None


def _planner_named(db: DbSession, username: str) -> Planner:
    found = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    if found is None:
        raise NotFound("facilitator.unknown", username=username.strip()[:64])
    return found


@router.get("/office")
def office_page(request: Request, planner: StreetOfficeUser, db: DbSession) -> Response:
    communities = service.communities_of_office(db, planner)
    ids = [c.id for c in communities]
    agreements = db.execute(
        select(Agreement, Planner, Community)
        .join(Planner, Planner.id == Agreement.planner_id)
        .join(Community, Community.id == Agreement.community_id)
        .where(Agreement.community_id.in_(ids or [-1]))
        .order_by(Agreement.starts_on.desc())
    ).all()
    context = {
        "planner": planner,
        "office": db.get(StreetOffice, planner.street_office_id),
        "communities": communities,
        "names": {c.id: c.name for c in communities},
        "records": office.finalised_records(db, planner),
        "entries": office.entries_to_review(db, planner),
        "agreements": agreements,
        "today": date.today(),
    }
    return render(request, "city/office.html", context)


@router.post("/office/entries/{entry_id}/confirm")
def confirm_entry(
    request: Request, entry_id: RowId, planner: StreetOfficeUser, db: DbSession
) -> Response:
    office.confirm_entry(db, office_user=planner, entry_id=entry_id)
    return go_to(request, f"/console/office#entry-{entry_id}")


@router.post("/office/entries/{entry_id}/return")
def return_entry(
    request: Request,
    entry_id: RowId,
    planner: StreetOfficeUser,
    db: DbSession,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    office.return_entry(db, office_user=planner, entry_id=entry_id, reason=reason)
    return go_to(request, f"/console/office#entry-{entry_id}")


@router.post("/office/agreements")
def sign_agreement(
    request: Request,
    planner: StreetOfficeUser,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
    community_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
    starts_on: Annotated[str, Form(max_length=10)] = "",
    ends_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    community = db.get(Community, community_id)
    if community is None or not service.is_office_of(planner, community):
        raise NotFound("community.not_found")
    service.sign_agreement(
        db,
        by=planner,
        planner=_planner_named(db, username),
        community=community,
        starts_on=_day(starts_on),
        ends_on=_day(ends_on),
    )
    return go_to(request, "/console/office#agreements")


@router.post("/office/agreements/{agreement_id}/end")
def end_agreement(
    request: Request, agreement_id: RowId, planner: StreetOfficeUser, db: DbSession
) -> Response:
    agreement = db.get(Agreement, agreement_id)
    community = db.get(Community, agreement.community_id) if agreement else None
    if agreement is None or community is None or not service.is_office_of(planner, community):
        raise NotFound("error.not_found")
    service.end_agreement(db, by=planner, agreement=agreement)
    return go_to(request, "/console/office#agreements")


@router.get("/admin")
def admin_page(request: Request, planner: CityAdmin, db: DbSession) -> Response:
    context = {
        "planner": planner,
        "accounts": list(db.scalars(select(Planner).order_by(Planner.role, Planner.username))),
        "offices": list(db.scalars(select(StreetOffice).order_by(StreetOffice.name))),
        "communities": list(db.scalars(select(Community).order_by(Community.name))),
        "applications": registration.pending(db),
        "decisions": registration.decided(db),
        "unadmitted": registration.unadmitted(db),
        "placeholders": claims.open_placeholders(db),
    }
    return render(request, "city/admin.html", context)


@router.post("/admin/applications/{application_id}/approve")
def approve_application(
    request: Request, application_id: RowId, planner: CityAdmin, db: DbSession
) -> Response:
    """Admit an applicant into the expert pool (审核入库): the account may log in."""
    registration.approve(db=db, by=planner, application_id=application_id)
    return go_to(request, "/console/admin#applications")


@router.post("/admin/applications/{application_id}/reject")
def reject_application(
    request: Request,
    application_id: RowId,
    planner: CityAdmin,
    db: DbSession,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    registration.reject(db=db, by=planner, application_id=application_id, reason=reason)
    return go_to(request, "/console/admin#applications")


@router.post("/admin/offices")
def add_office(
    request: Request, planner: CityAdmin, db: DbSession, name: Name, district: Name = ""
) -> Response:
    service.create_street_office(db, by=planner, name=name, district=district)
    return go_to(request, "/console/admin#offices")


@router.post("/admin/offices/{office_id}/users")
def add_office_user(
    request: Request,
    office_id: RowId,
    planner: CityAdmin,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    office_row = db.get(StreetOffice, office_id)
    if office_row is None:
        raise NotFound("error.not_found")
    user = create_planner(db=db, username=username, password=password, name=name)
    user.role, user.street_office_id = "street_office", office_row.id
    service.log(db, planner, "account.create", account=user.id, role="street_office")
    return go_to(request, "/console/admin#accounts")


@router.post("/admin/communities/{community_id}/office")
def set_community_office(
    request: Request,
    community_id: RowId,
    planner: CityAdmin,
    db: DbSession,
    office_id: Annotated[int, Form(ge=0, le=2_147_483_647)] = 0,
) -> Response:
    community = db.get(Community, community_id)
    office_row = db.get(StreetOffice, office_id) if office_id else None
    if community is None or (office_id and office_row is None):
        raise NotFound("error.not_found")
    service.assign_community(db, by=planner, community=community, office=office_row)
    return go_to(request, "/console/admin#communities")


@router.post("/admin/accounts/{account_id}/disable")
def disable_account(
    request: Request, account_id: RowId, planner: CityAdmin, db: DbSession
) -> Response:
    """Disable an account: no login, and every session of it ends now."""
    account = db.get(Planner, account_id)
    if account is None or account.id == planner.id:
        raise NotFound("error.not_found")
    account.disabled_at = utcnow()
    ended = sessions.end_all_sessions(db=db, planner_id=account.id)
    service.log(db, planner, "account.disable", account=account.id, sessions=ended)
    return go_to(request, "/console/admin#accounts")


@router.post("/admin/accounts/{account_id}/enable")
def enable_account(
    request: Request, account_id: RowId, planner: CityAdmin, db: DbSession
) -> Response:
    account = db.get(Planner, account_id)
    if account is None or account.password_hash.startswith("!"):
        raise NotFound("error.not_found")  # a bundle's placeholder is claimed, not enabled
    if registration.state_of(db, account) != "approved":
        raise Conflict("application.review_first")  # an applicant is admitted, not enabled
    account.disabled_at = None
    service.log(db, planner, "account.enable", account=account.id)
    return go_to(request, "/console/admin#accounts")
