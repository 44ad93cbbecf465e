"""Who may act in a community: agreements, street offices, and the activity log.

The rules (issue 15), laptop first:
- a community with a street office belongs to it: its users may edit it, and a planner
  leads workshops there only under an active agreement (start ≤ today ≤ end, not ended);
- a community without one (a laptop's) belongs to the planner who created it and to the
  planners under agreement; an *open* community (no office, no creator, no agreement at
  all: a seeded laptop community) may be used by any planner, as before;
- a co-facilitator invited by a lead acts through that lead's workshop, never on the
  community by themselves.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.city.models import ActivityLog, Agreement, StreetOffice
from workshop.communities.models import Community
from workshop.db import utcnow
from workshop.errors import Forbidden, Invalid, NotFound
from workshop.workshops.models import Workshop

AGREEMENT_YEARS = 3  # usual length of a service agreement (docs/domain.md)


def log(
    db: Session,
    actor: Planner | None,
    action: str,
    *,
    community_id: int | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> ActivityLog:
    """Record who did what and when (flushed with the caller's transaction)."""
    row = ActivityLog(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        action=action,
        community_id=community_id,
        organisation_id=organisation_id,
        detail=detail or None,
    )
    db.add(row)
    db.flush()
    return row


def _active(on: date) -> Any:
    return (Agreement.starts_on <= on) & (Agreement.ends_on >= on) & Agreement.ended_at.is_(None)


def has_agreement(db: Session, planner: Planner, community_id: int, on: date | None = None) -> bool:
    """True when the planner holds an active agreement for the community today (or `on`)."""
    stmt = select(Agreement.id).where(
        Agreement.planner_id == planner.id,
        Agreement.community_id == community_id,
        _active(on or date.today()),
    )
    return db.scalars(stmt.limit(1)).first() is not None


def is_open(db: Session, community: Community) -> bool:
    """A laptop's seeded community: no street office, no creator, no agreement."""
    if community.street_office_id is not None or community.created_by is not None:
        return False
    return not db.scalar(select(exists().where(Agreement.community_id == community.id)))


def is_office_of(planner: Planner, community: Community) -> bool:
    return (
        planner.role == "street_office"
        and planner.street_office_id is not None
        and planner.street_office_id == community.street_office_id
    )


def may_lead_in(db: Session, planner: Planner, community: Community) -> bool:
    """May the planner create (lead) a workshop in this community?"""
    if planner.role != "planner":
        return False
    if has_agreement(db, planner, community.id):
        return True
    if community.street_office_id is None and community.created_by == planner.id:
        return True
    return is_open(db, community)


def may_edit(db: Session, planner: Planner, community: Community) -> bool:
    """May this account change the community (name, boundary, subtypes, base layers)?"""
    if is_office_of(planner, community):
        return True
    if planner.role != "planner":
        return False
    if may_lead_in(db, planner, community) and not is_open(db, community):
        return True
    if is_open(db, community):  # laptop: whoever runs a workshop there, as before
        runs_here = select(Workshop.id).where(
            Workshop.community_id == community.id, Workshop.planner_id == planner.id
        )
        return db.scalars(runs_here.limit(1)).first() is not None
    return False


def sees_whole_community(db: Session, planner: Planner, community: Community) -> bool:
    """Street office and planners under agreement see every workshop's decisions."""
    return is_office_of(planner, community) or (
        planner.role == "planner" and has_agreement(db, planner, community.id)
    )


def communities_of_office(db: Session, planner: Planner) -> list[Community]:
    if planner.role != "street_office" or planner.street_office_id is None:
        return []
    stmt = select(Community).where(Community.street_office_id == planner.street_office_id)
    return list(db.scalars(stmt.order_by(Community.name)))


def create_street_office(
    db: Session, *, by: Planner | None, name: str, district: str = ""
) -> StreetOffice:
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("office.name_required")
    if db.scalar(select(StreetOffice.id).where(StreetOffice.name == name)) is not None:
        raise Invalid("office.name_taken")
    office = StreetOffice(name=name, district=district.strip()[:100])
    db.add(office)
    db.flush()
    log(db, by, "office.create", office=office.id, name=name)
    return office


def assign_community(
    db: Session, *, by: Planner | None, community: Community, office: StreetOffice | None
) -> None:
    before = community.street_office_id
    community.street_office_id = office.id if office else None
    db.flush()
    log(db, by, "community.office", community_id=community.id, old=before, new=office and office.id)


def sign_agreement(
    db: Session,
    *,
    by: Planner | None,
    planner: Planner,
    community: Community,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Agreement:
    """A street office (or the city) signs an agreement with a planner for a community."""
    if planner.role != "planner" or planner.disabled_at is not None:
        raise Invalid("agreement.not_a_planner")
    if by is not None and by.role == "street_office" and not is_office_of(by, community):
        raise NotFound("community.not_found")
    start = starts_on or date.today()
    end = ends_on or start + timedelta(days=365 * AGREEMENT_YEARS)
    if end < start:
        raise Invalid("agreement.dates")
    row = Agreement(
        planner_id=planner.id,
        community_id=community.id,
        street_office_id=community.street_office_id,
        starts_on=start,
        ends_on=end,
        created_by=by.id if by else None,
    )
    db.add(row)
    db.flush()
    log(
        db,
        by,
        "agreement.sign",
        community_id=community.id,
        planner=planner.id,
        starts_on=start.isoformat(),
        ends_on=end.isoformat(),
    )
    return row


def end_agreement(db: Session, *, by: Planner, agreement: Agreement) -> None:
    agreement.ended_at = utcnow()
    db.flush()
    log(db, by, "agreement.end", community_id=agreement.community_id, agreement=agreement.id)


def agreements_of(db: Session, planner: Planner) -> list[tuple[Agreement, Community]]:
    stmt = (
        select(Agreement, Community)
        .join(Community, Community.id == Agreement.community_id)
        .where(Agreement.planner_id == planner.id)
        .order_by(Agreement.starts_on.desc())
    )
    return [(a, c) for a, c in db.execute(stmt).all()]


def changes_of(db: Session, community: Community, limit: int = 50) -> list[dict]:
    """The community's activity log, newest first: when, who (None: a command on the
    server, such as the demo's setup), what."""
    stmt = (
        select(ActivityLog, Planner.name)
        .outerjoin(Planner, Planner.id == ActivityLog.actor_id)
        .where(ActivityLog.community_id == community.id)
        .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
        .limit(limit)
    )
    return [
        {"at": row.at, "who": name, "action": row.action, "detail": row.detail or {}}
        for row, name in db.execute(stmt).all()
    ]


def require_lead_in(db: Session, planner: Planner, community_id: int) -> Community:
    """The community, when the planner may lead a workshop there; else a clear refusal."""
    community = db.get(Community, community_id)
    if community is None:
        raise NotFound("community.not_found")
    if not may_lead_in(db, planner, community):
        raise Forbidden("agreement.required")
    return community


def leadable_communities(db: Session, planner: Planner) -> list[Community]:
    """The communities the planner may start a workshop in (the console's choice): the
    rule of `may_lead_in`, with its agreement lookups done once for all communities (a
    city instance holds hundreds; one query each made the console home N+1)."""
    if planner.role != "planner":
        return []
    mine = set(
        db.scalars(
            select(Agreement.community_id).where(
                Agreement.planner_id == planner.id, _active(date.today())
            )
        )
    )
    agreed = set(db.scalars(select(Agreement.community_id).distinct()))

    def leadable(c: Community) -> bool:
        if c.id in mine:
            return True
        if c.street_office_id is not None:
            return False
        return c.created_by == planner.id or (c.created_by is None and c.id not in agreed)

    return [c for c in db.scalars(select(Community).order_by(Community.name)) if leadable(c)]


def loggable_communities(
    db: Session, planner: Planner, workshop_ids: list[int], keep: int | None = None
) -> list[Community]:
    """The communities a planner may log service in (the service-log form's choice):
    where they may lead a workshop today, where they held an agreement at any time (work
    near its end is logged after it), where one of `workshop_ids` (the workshops they lead
    or co-facilitate) took place, and `keep` (an existing entry's community). Another
    planner's community on a shared city instance is none of these."""
    ids = {c.id for c in leadable_communities(db, planner)}
    ids |= set(db.scalars(select(Agreement.community_id).where(Agreement.planner_id == planner.id)))
    if workshop_ids:
        where_held = select(Workshop.community_id).where(Workshop.id.in_(workshop_ids))
        ids |= set(db.scalars(where_held))
    if keep is not None:
        ids.add(keep)
    if not ids:
        return []
    stmt = select(Community).where(Community.id.in_(ids)).order_by(Community.name)
    return list(db.scalars(stmt))
