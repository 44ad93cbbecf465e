"""Record versions: edit a draft, finalise (freeze) it, start the next draft on a later edit.

A finalised version's content never changes again. Reviews, co-facilitators and the
follow-up of earlier decisions are read live while a version is a draft and frozen into
its content when it is finalised.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments.models import AssessmentRecord
from workshop.assessments.review import facilitator_dicts, require_lead, review_rows, save_review
from workshop.assessments.service import (
    PLANNER_KEYS,
    build_content,
    consensus_changes,
    latest_record,
)
from workshop.audit.chain import seal_record
from workshop.db import utcnow
from workshop.errors import Conflict, Invalid, NotFound
from workshop.followup.service import adopted_ids, community_followup
from workshop.i18n import REPORT_LOCALE, use_locale
from workshop.live.broker import announce
from workshop.service_log.service import record_assessment
from workshop.workshops.models import Workshop

TEXT_MAX = 4000
GOAL_MAX = 200
GOALS_MAX = 20
PLACE_MAX = 200


def versions_of(*, db: Session, workshop: Workshop) -> list[AssessmentRecord]:
    stmt = select(AssessmentRecord).where(AssessmentRecord.workshop_id == workshop.id)
    return list(db.scalars(stmt.order_by(AssessmentRecord.version.desc())))


def record_version(*, db: Session, workshop: Workshop, version: int) -> AssessmentRecord:
    record = db.scalar(
        select(AssessmentRecord).where(
            AssessmentRecord.workshop_id == workshop.id, AssessmentRecord.version == version
        )
    )
    if record is None:
        raise NotFound("assessment.version_not_found")
    return record


def report_content(*, db: Session, workshop: Workshop, record: AssessmentRecord) -> dict:
    """The content a report (or a frozen version) is made of: its live sections in Chinese,
    the language of the documents for the street office, whatever the UI language."""
    with use_locale(REPORT_LOCALE):
        return current_content(db=db, workshop=workshop, record=record)


def current_content(*, db: Session, workshop: Workshop, record: AssessmentRecord) -> dict:
    """Return what the version shows: frozen content, or a draft with its live sections."""
    content = record.content
    if record.is_final or content.get("format", 1) < 2:
        return content
    return {**content, **live_sections(db=db, workshop=workshop, content=content)}


def live_sections(*, db: Session, workshop: Workshop, content: dict) -> dict:
    return {
        "facilitators": facilitator_dicts(db=db, workshop=workshop),
        "reviews": review_rows(db=db, workshop=workshop, proposals=content["proposals"]),
        "adopted": sorted(adopted_ids(db=db, workshop=workshop)),
        "followup": community_followup(db=db, workshop=workshop),
    }


def draft_for_edit(*, db: Session, workshop: Workshop) -> AssessmentRecord:
    """Return the latest version if it is a draft, else a new draft copied from it."""
    latest = latest_record(db=db, workshop=workshop)
    if not latest.is_final:
        return latest
    # A deep copy: the frozen version's nested dicts must never be shared with the draft.
    content = copy.deepcopy({k: v for k, v in latest.content.items() if k != "finalised"})
    draft = AssessmentRecord(workshop_id=workshop.id, version=latest.version + 1, content=content)
    try:
        with db.begin_nested():
            db.add(draft)
    except IntegrityError:
        # Another request started this draft at the same moment (PostgreSQL workers).
        return latest_record(db=db, workshop=workshop)
    return draft


def edit_record(
    *,
    db: Session,
    workshop: Workshop,
    planner: Planner,
    findings: str,
    recommendations: str,
    goals: list[str],
    place: str,
) -> AssessmentRecord:
    """Save the planner's text into the draft (a finalised version starts a new one)."""
    require_lead(workshop, planner)
    findings, recommendations = findings.strip(), recommendations.strip()
    if len(findings) > TEXT_MAX or len(recommendations) > TEXT_MAX:
        raise Invalid("field.too_long", limit=TEXT_MAX)
    goals = [g.strip() for g in goals if g.strip()]
    if len(goals) > GOALS_MAX:
        raise Invalid("assessment.too_many_goals", limit=GOALS_MAX)
    if any(len(g) > GOAL_MAX for g in goals):
        raise Invalid("field.too_long", limit=GOAL_MAX)
    if len(place.strip()) > PLACE_MAX:
        raise Invalid("field.too_long", limit=PLACE_MAX)
    draft = draft_for_edit(db=db, workshop=workshop)
    content = copy.deepcopy(draft.content)
    content.update(
        findings=findings,
        recommendations=recommendations,
        goals=goals,
        meeting={**content.get("meeting", {}), "place": place.strip()},
    )
    content.setdefault("workshop", {})["place"] = place.strip()
    draft.content = content  # a new dict, so the JSON column is written
    db.flush()
    return draft


def last_final(*, db: Session, workshop: Workshop) -> AssessmentRecord | None:
    stmt = select(AssessmentRecord).where(
        AssessmentRecord.workshop_id == workshop.id, AssessmentRecord.finalised_at.is_not(None)
    )
    return db.scalar(stmt.order_by(AssessmentRecord.version.desc()).limit(1))


def regenerate(*, db: Session, workshop: Workshop, planner: Planner) -> AssessmentRecord:
    """Recompute the numbers from the workshop into the draft, keeping the planner's text."""
    require_lead(workshop, planner)
    draft = draft_for_edit(db=db, workshop=workshop)
    fresh = build_content(db=db, workshop=workshop)
    for key in PLANNER_KEYS:
        if key in draft.content:
            fresh[key] = draft.content[key]
    fresh["workshop"]["place"] = fresh["meeting"].get("place", fresh["workshop"]["place"])
    final = last_final(db=db, workshop=workshop)
    if final is not None:
        # Final versions stay as they were (evidence); the new draft says what differs.
        fresh["consensus_changes"] = consensus_changes(final.content, fresh)
    draft.content = fresh
    db.flush()
    return draft


def finalise(*, db: Session, workshop: Workshop, planner: Planner) -> AssessmentRecord:
    """Freeze the draft (content + when + by whom); the first one adds the log entry."""
    require_lead(workshop, planner)
    record = latest_record(db=db, workshop=workshop)
    if record.is_final:
        raise Conflict("assessment.already_final")
    now = utcnow()
    content = copy.deepcopy(report_content(db=db, workshop=workshop, record=record))
    content["finalised"] = {
        "at": now.isoformat(timespec="seconds"),
        "by": planner.name,
        "version": record.version,
    }
    record.content = content
    record.finalised_at = now
    record.finalised_by_id = planner.id
    db.flush()
    seal_record(db, record)  # hash chain over finalised versions (tamper evidence)
    record_assessment(db=db, workshop=workshop, record=record)
    announce(db, workshop.id, "records")
    return record


def goals_from_text(text: str) -> list[str]:
    return [line.strip(" -·•\t") for line in text.splitlines() if line.strip(" -·•\t")]


def review_proposal(
    *, db: Session, workshop: Workshop, planner: Planner, **fields: Any
) -> AssessmentRecord:
    """Save a facilitator's review; after finalising, this starts the next draft."""
    save_review(db=db, workshop=workshop, planner=planner, **fields)
    return draft_for_edit(db=db, workshop=workshop)
