"""The street office's work in the app: its communities' finalised records, and the
confirmation (确认) or return (退回, with a reason) of planners' service-log entries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments.models import AssessmentRecord
from workshop.city.service import communities_of_office, log
from workshop.db import utcnow
from workshop.errors import Invalid, NotFound
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops.models import Workshop

REASON_MAX = 500


def finalised_records(db: Session, office_user: Planner) -> list[tuple[Workshop, AssessmentRecord]]:
    """The latest finalised record of each workshop in the office's communities."""
    ids = [c.id for c in communities_of_office(db, office_user)]
    if not ids:
        return []
    stmt = (
        select(Workshop, AssessmentRecord)
        .join(AssessmentRecord, AssessmentRecord.workshop_id == Workshop.id)
        .where(Workshop.community_id.in_(ids), AssessmentRecord.finalised_at.is_not(None))
        .order_by(Workshop.date.desc(), Workshop.id, AssessmentRecord.version.desc())
    )
    seen: set[int] = set()
    rows = []
    for workshop, record in db.execute(stmt).all():
        if workshop.id not in seen:
            seen.add(workshop.id)
            rows.append((workshop, record))
    return rows


def entries_to_review(db: Session, office_user: Planner) -> list[tuple[ServiceLogEntry, Planner]]:
    """Service-log entries of planners in the office's communities, pending ones first."""
    ids = [c.id for c in communities_of_office(db, office_user)]
    if not ids:
        return []
    stmt = (
        select(ServiceLogEntry, Planner)
        .join(Planner, Planner.id == ServiceLogEntry.planner_id)
        .where(ServiceLogEntry.community_id.in_(ids))
        .order_by(
            (ServiceLogEntry.confirmation != "pending"),
            ServiceLogEntry.date.desc(),
            ServiceLogEntry.id.desc(),
        )
    )
    return [(e, p) for e, p in db.execute(stmt).all()]


def _entry(db: Session, office_user: Planner, entry_id: int) -> ServiceLogEntry:
    entry = db.get(ServiceLogEntry, entry_id)
    ids = {c.id for c in communities_of_office(db, office_user)}
    if entry is None or entry.community_id not in ids:
        raise NotFound("log.not_found")
    return entry


def confirm_entry(db: Session, *, office_user: Planner, entry_id: int) -> ServiceLogEntry:
    entry = _entry(db, office_user, entry_id)
    entry.confirmation, entry.return_reason = "confirmed", ""
    entry.confirmed_by, entry.confirmed_at = office_user.id, utcnow()
    db.flush()
    log(db, office_user, "entry.confirm", community_id=entry.community_id, entry=entry.id)
    return entry


def return_entry(
    db: Session, *, office_user: Planner, entry_id: int, reason: str
) -> ServiceLogEntry:
    reason = reason.strip()
    if not reason:
        raise Invalid("confirmation.reason_required")
    if len(reason) > REASON_MAX:
        raise Invalid("field.too_long", limit=REASON_MAX)
    entry = _entry(db, office_user, entry_id)
    entry.confirmation, entry.return_reason = "returned", reason
    entry.confirmed_by, entry.confirmed_at = office_user.id, utcnow()
    db.flush()
    log(db, office_user, "entry.return", community_id=entry.community_id, entry=entry.id)
    return entry
