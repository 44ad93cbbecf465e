"""Moving a workshop forward: what each stage change sets in motion."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workshop.assessments.service import on_workshop_closed
from workshop.db import utcnow
from workshop.errors import Conflict
from workshop.live.broker import announce
from workshop.proposals.service import close_round, open_round
from workshop.workshops.models import Workshop
from workshop.workshops.service import next_stage


def advance_stage(*, db: Session, workshop: Workshop, expected: str | None = None) -> str:
    """Move to the next stage and return it.

    `expected` is the stage the planner saw; a double click or a second console
    tab cannot skip a stage. Entering voting opens the approval round, leaving it
    closes the round, and closing the workshop writes the assessment record's first
    draft (finalising it adds the planner's service-log entry).
    """
    if expected is not None and expected != workshop.stage:
        raise Conflict("stage.changed")
    target = next_stage(workshop.stage)
    if target is None:
        raise Conflict("stage.already_closed")
    if workshop.stage == "welcome":
        workshop.opened_at = utcnow()
    if workshop.stage == "voting":
        close_round(db=db, workshop=workshop)
    workshop.stage = target
    now = utcnow()
    entry = {"stage": target, "at": now.isoformat(timespec="seconds")}
    workshop.stage_log = [*(workshop.stage_log or []), entry]  # a new list: change tracked
    if target == "voting":
        open_round(db=db, workshop=workshop)
    if target == "closed":
        workshop.closed_at = now
        db.flush()
        on_workshop_closed(db=db, workshop=workshop)
    db.flush()
    announce(db, workshop.id, "stage")
    return target
