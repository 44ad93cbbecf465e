"""The planner's service log (服务记录): entries by hand, and one per finalised record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments.models import AssessmentRecord, WorkshopFacilitator
from workshop.city import service as city
from workshop.communities.models import Community
from workshop.errors import Forbidden, Invalid, NotFound
from workshop.service_log.models import ServiceLogEntry
from workshop.service_log.points import DEFAULT_RULES, WORK_FUNCTIONS
from workshop.text import clean_line, clean_text
from workshop.workshops.models import Workshop

# Kept for older imports; the rules in force come from workshop.service_log.rules.
DEFAULT_BASE_POINTS = DEFAULT_RULES["base_points"]
MIN_HOURS = 0.5
MAX_HOURS = 24.0
SUMMARY_MAX = 500
MEDIA_MAX = 200


def meeting_hours(workshop: Workshop) -> float:
    """Return the meeting's length in hours, rounded up to half hours (at least 0.5)."""
    if workshop.opened_at is None or workshop.closed_at is None:
        return MIN_HOURS
    seconds = (workshop.closed_at - workshop.opened_at).total_seconds()
    halves = -(-seconds // 1800)
    return max(MIN_HOURS, halves / 2)


def record_assessment(
    *, db: Session, workshop: Workshop, record: AssessmentRecord
) -> list[ServiceLogEntry]:
    """Add a "规划评估" entry for this workshop's record to the lead planner's log and to
    each co-facilitator's (三师: each discipline logs its own service), once per planner.

    A later finalised version only moves the evidence link to itself; the planners' own
    corrections to their entries stay. A co-facilitator added later gets an entry at the
    next finalised version.
    """
    existing = {
        e.planner_id: e
        for e in db.scalars(
            select(ServiceLogEntry).where(ServiceLogEntry.auto_workshop_id == workshop.id)
        )
    }
    helpers = db.scalars(
        select(WorkshopFacilitator.planner_id)
        .where(WorkshopFacilitator.workshop_id == workshop.id)
        .order_by(WorkshopFacilitator.id)
    )
    content = record.content
    summary = (
        f"{workshop.title}：参与 {content['participation']['total']} 人，"
        f"资产 {content['assets']['total']} 处，提案 {len(content['proposals'])} 项"
    )
    entries = []
    for planner_id in dict.fromkeys([workshop.planner_id, *helpers]):
        entry = existing.get(planner_id)
        if entry is None:
            entry = ServiceLogEntry(
                planner_id=planner_id,
                community_id=workshop.community_id,
                workshop_id=workshop.id,
                auto_workshop_id=workshop.id,
                work_function="assessment",
                date=workshop.date,
                hours=meeting_hours(workshop),
                base_points=DEFAULT_BASE_POINTS["assessment"],
                satisfaction_rate=content["satisfaction"]["rate"],
                summary=(summary if planner_id == workshop.planner_id else f"{summary}（协同）")[
                    :SUMMARY_MAX
                ],
            )
            db.add(entry)
        entry.assessment_id = record.id
        entries.append(entry)
    db.flush()
    return entries


def log_of(*, db: Session, planner: Planner, year: int | None = None) -> list[ServiceLogEntry]:
    stmt = select(ServiceLogEntry).where(ServiceLogEntry.planner_id == planner.id)
    if year is not None:
        stmt = stmt.where(extract("year", ServiceLogEntry.date) == year)
    return list(db.scalars(stmt.order_by(ServiceLogEntry.date.desc(), ServiceLogEntry.id.desc())))


def entry_of(*, db: Session, planner: Planner, entry_id: int) -> ServiceLogEntry:
    """Load one of the planner's own entries, or 404 (never reveal others')."""
    entry = db.get(ServiceLogEntry, entry_id)
    if entry is None or entry.planner_id != planner.id:
        raise NotFound("log.not_found")
    return entry


def my_workshops(*, db: Session, planner: Planner) -> list[Workshop]:
    """Workshops the planner leads or co-facilitates: what an entry may cite as evidence."""
    co = select(WorkshopFacilitator.workshop_id).where(WorkshopFacilitator.planner_id == planner.id)
    stmt = select(Workshop).where(or_(Workshop.planner_id == planner.id, Workshop.id.in_(co)))
    return list(db.scalars(stmt.order_by(Workshop.date.desc(), Workshop.id.desc())))


@dataclass(frozen=True)
class EntryForm:
    """What a planner types for a hand-made entry; `evidence` is "", "w:<id>" or "a:<id>"."""

    on: str
    community_id: int
    work_function: str
    hours: str
    summary: str
    evidence: str = ""
    special_points: str = ""
    media_coverage: str = ""


def finalised_records_of(*, db: Session, workshops: list[Workshop]) -> list[AssessmentRecord]:
    """The finalised record versions of these workshops (evidence a log entry may cite)."""
    ids = [w.id for w in workshops]
    if not ids:
        return []
    stmt = (
        select(AssessmentRecord)
        .where(AssessmentRecord.workshop_id.in_(ids), AssessmentRecord.finalised_at.is_not(None))
        .order_by(AssessmentRecord.workshop_id, AssessmentRecord.version)
    )
    return list(db.scalars(stmt))


def communities_to_log(
    *, db: Session, planner: Planner, workshops: list[Workshop], keep: int | None = None
) -> list[Community]:
    """The communities this planner may log service in; `workshops`: theirs
    (`my_workshops`), `keep`: an edited entry's community."""
    return city.loggable_communities(db, planner, [w.id for w in workshops], keep)


def _parse(db: Session, planner: Planner, form: EntryForm, keep: int | None = None) -> dict:
    try:
        on = date.fromisoformat(form.on)
    except ValueError:
        raise Invalid("log.date_invalid") from None
    if on > date.today() + timedelta(days=1) or on.year < 2000:
        raise Invalid("log.date_out_of_range")
    if db.get(Community, form.community_id) is None:
        raise NotFound("community.not_found")
    mine = my_workshops(db=db, planner=planner)
    served = communities_to_log(db=db, planner=planner, workshops=mine, keep=keep)
    if form.community_id not in {c.id for c in served}:
        raise Forbidden("log.community_not_served")
    if form.work_function not in WORK_FUNCTIONS:
        raise Invalid("log.unknown_function")
    try:
        hours = float(form.hours)
    except ValueError:
        raise Invalid("log.hours_invalid") from None
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise Invalid("log.hours_invalid")
    summary = clean_text(form.summary)
    if not summary:
        raise Invalid("log.summary_required")
    if len(summary) > SUMMARY_MAX:
        raise Invalid("field.too_long", limit=SUMMARY_MAX)
    try:
        special = float(form.special_points or 0)
    except ValueError:
        raise Invalid("log.special_invalid") from None
    if not 0 <= special <= DEFAULT_RULES["special_cap"]:
        raise Invalid("log.special_invalid")
    media = clean_line(form.media_coverage)
    if len(media) > MEDIA_MAX:
        raise Invalid("field.too_long", limit=MEDIA_MAX)
    if special and not media:
        raise Invalid("log.media_required")
    workshop_id, assessment_id = _evidence(db, mine, form.evidence)
    return {
        "date": on,
        "community_id": form.community_id,
        "work_function": form.work_function,
        "hours": hours,
        "summary": summary,
        "special_points": special,
        "media_coverage": media,
        "workshop_id": workshop_id,
        "assessment_id": assessment_id,
    }


def _evidence(db: Session, mine: list[Workshop], value: str) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    kind, _, raw = value.partition(":")
    if kind not in ("w", "a") or not raw.isdigit():
        raise Invalid("log.evidence_invalid")
    allowed = {w.id for w in mine}
    if kind == "w":
        if int(raw) not in allowed:
            raise Invalid("log.evidence_invalid")
        return int(raw), None
    record = db.get(AssessmentRecord, int(raw))
    if record is None or record.workshop_id not in allowed:
        raise Invalid("log.evidence_invalid")
    return record.workshop_id, record.id


def add_entry(*, db: Session, planner: Planner, form: EntryForm) -> ServiceLogEntry:
    fields = _parse(db, planner, form)
    entry = ServiceLogEntry(planner_id=planner.id, **fields)
    entry.base_points = DEFAULT_BASE_POINTS[fields["work_function"]]
    db.add(entry)
    db.flush()
    return entry


def update_entry(
    *, db: Session, planner: Planner, entry_id: int, form: EntryForm
) -> ServiceLogEntry:
    entry = entry_of(db=db, planner=planner, entry_id=entry_id)
    for key, value in _parse(db, planner, form, keep=entry.community_id).items():
        setattr(entry, key, value)
    entry.base_points = DEFAULT_BASE_POINTS[entry.work_function]
    # A changed entry is no longer what the street office confirmed (or returned).
    entry.confirmation, entry.confirmed_by, entry.confirmed_at = "pending", None, None
    db.flush()
    return entry


def delete_entry(*, db: Session, planner: Planner, entry_id: int) -> None:
    entry = entry_of(db=db, planner=planner, entry_id=entry_id)
    if entry.auto_workshop_id is not None:
        # The record proves this one; deleting it would hide a finalised assessment.
        raise Forbidden("log.auto_not_deletable")
    db.delete(entry)
    db.flush()
