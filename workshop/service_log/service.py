"""The planner's service log (服务记录): one entry per workshop assessed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments.models import AssessmentRecord
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops.models import Workshop

# Base points per work function. DEFAULT values, to be replaced by the district's
# table (issue: Chongqing service-points rules); the log page labels them as defaults.
DEFAULT_BASE_POINTS = {
    "concept_promotion": 1.0,
    "communication": 1.0,
    "assessment": 2.0,
    "community_building": 2.0,
}
MIN_HOURS = 0.5


def meeting_hours(workshop: Workshop) -> float:
    """Return the meeting's length in hours, rounded up to half hours (at least 0.5)."""
    if workshop.opened_at is None or workshop.closed_at is None:
        return MIN_HOURS
    seconds = (workshop.closed_at - workshop.opened_at).total_seconds()
    halves = -(-seconds // 1800)
    return max(MIN_HOURS, halves / 2)


def record_assessment(
    *, db: Session, workshop: Workshop, record: AssessmentRecord
) -> ServiceLogEntry:
    """Add (or refresh) the planner's "规划评估" entry proven by this workshop's record."""
    entry = db.scalar(
        select(ServiceLogEntry).where(
            ServiceLogEntry.planner_id == workshop.planner_id,
            ServiceLogEntry.workshop_id == workshop.id,
            ServiceLogEntry.work_function == "assessment",
        )
    )
    if entry is None:
        entry = ServiceLogEntry(
            planner_id=workshop.planner_id,
            community_id=workshop.community_id,
            workshop_id=workshop.id,
            work_function="assessment",
        )
        db.add(entry)
    content = record.content
    entry.assessment_id = record.id
    entry.date = workshop.date
    entry.hours = meeting_hours(workshop)
    entry.base_points = DEFAULT_BASE_POINTS["assessment"]
    entry.satisfaction_rate = content["satisfaction"]["rate"]
    entry.summary = (
        f"{workshop.title}：参与 {content['participation']['total']} 人，"
        f"资产 {content['assets']['total']} 处，提案 {len(content['proposals'])} 项"
    )[:500]
    db.flush()
    return entry


def log_of(*, db: Session, planner: Planner) -> list[ServiceLogEntry]:
    stmt = select(ServiceLogEntry).where(ServiceLogEntry.planner_id == planner.id)
    return list(db.scalars(stmt.order_by(ServiceLogEntry.date.desc(), ServiceLogEntry.id.desc())))
