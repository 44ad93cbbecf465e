"""Loading a workshop for its facilitators: the lead planner or a co-facilitator."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from workshop.assessments.review import is_facilitator
from workshop.deps import CurrentPlanner, DbSession
from workshop.errors import NotFound
from workshop.workshops.models import Workshop


def facilitated_workshop(workshop_id: int, planner: CurrentPlanner, db: DbSession) -> Workshop:
    """Load a workshop the planner leads or co-facilitates, or 404 (never reveal others')."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None or not is_facilitator(db=db, workshop=workshop, planner=planner):
        raise NotFound("workshop.not_found")
    return workshop


FacilitatedWorkshop = Annotated[Workshop, Depends(facilitated_workshop)]


def report_workshop(workshop_id: int, planner: CurrentPlanner, db: DbSession) -> Workshop:
    """A workshop whose consensus report the account may read: its facilitators, and the
    street office of its community once the latest record is finalised; else 404."""
    from workshop.assessments.service import latest_record
    from workshop.city.service import is_office_of

    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound("workshop.not_found")
    if is_facilitator(db=db, workshop=workshop, planner=planner):
        return workshop
    if (
        is_office_of(planner, workshop.community)
        and latest_record(db=db, workshop=workshop).finalised_at is not None
    ):
        return workshop
    raise NotFound("workshop.not_found")


ReportWorkshop = Annotated[Workshop, Depends(report_workshop)]
