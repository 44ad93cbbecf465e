from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments import review, versions
from workshop.assessments.deps import FacilitatedWorkshop, ReportWorkshop
from workshop.assessments.models import AssessmentRecord
from workshop.assessments.service import latest_record
from workshop.deps import CurrentPlanner, DbSession, RowId
from workshop.followup.service import adopt
from workshop.reports.render import report_html, report_pdf
from workshop.templating import go_to, render
from workshop.workshops.models import Workshop

router = APIRouter(prefix="/console/workshops/{workshop_id}")


def _filename(workshop_id: int, version: int, ext: str) -> str:
    return f"workshop-{workshop_id}-report-v{version}.{ext}"


def _page(
    request: Request, db: Session, workshop: Workshop, planner: Planner, record: AssessmentRecord
) -> Response:
    all_versions = versions.versions_of(db=db, workshop=workshop)
    content = versions.current_content(db=db, workshop=workshop, record=record)
    context = {
        "planner": planner,
        "workshop": workshop,
        "record": record,
        "c": content,
        "versions": all_versions,
        "latest": all_versions[0],
        "is_lead": workshop.planner_id == planner.id,
        "options": {
            "feasibility": review.FEASIBILITY,
            "cost_band": review.COST_BANDS,
            "priority": review.PRIORITIES,
        },
    }
    return render(request, "assessments/assessment.html", context)


@router.get("/assessment")
def assessment(
    request: Request, workshop: FacilitatedWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    record = latest_record(db=db, workshop=workshop)
    return _page(request, db, workshop, planner, record)


@router.get("/assessment/v/{version}")
def assessment_version(
    request: Request,
    workshop: FacilitatedWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    version: RowId,
) -> Response:
    record = versions.record_version(db=db, workshop=workshop, version=version)
    return _page(request, db, workshop, planner, record)


def _back(workshop: Workshop) -> str:
    return f"/console/workshops/{workshop.id}/assessment"


@router.post("/assessment")
def edit(
    request: Request,
    workshop: FacilitatedWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    findings: Annotated[str, Form(max_length=8000)] = "",
    recommendations: Annotated[str, Form(max_length=8000)] = "",
    goals: Annotated[str, Form(max_length=8000)] = "",
    place: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    versions.edit_record(
        db=db,
        workshop=workshop,
        planner=planner,
        findings=findings,
        recommendations=recommendations,
        goals=versions.goals_from_text(goals),
        place=place,
    )
    return go_to(request, _back(workshop))


@router.post("/assessment/finalise")
def finalise(
    request: Request, workshop: FacilitatedWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    versions.finalise(db=db, workshop=workshop, planner=planner)
    return go_to(request, _back(workshop))


@router.post("/assessment/regenerate")
def regenerate(
    request: Request, workshop: FacilitatedWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    versions.regenerate(db=db, workshop=workshop, planner=planner)
    return go_to(request, _back(workshop))


@router.post("/assessment/reviews")
def add_review(
    request: Request,
    workshop: FacilitatedWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    proposal_id: Annotated[int, Form()],
    feasibility: Annotated[str, Form(max_length=16)] = "",
    cost_band: Annotated[str, Form(max_length=16)] = "",
    priority: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    versions.review_proposal(
        db=db,
        workshop=workshop,
        planner=planner,
        proposal_id=proposal_id,
        feasibility=feasibility,
        cost_band=cost_band,
        priority=priority,
        comment=comment,
    )
    return go_to(request, _back(workshop) + f"#review-{proposal_id}")


@router.post("/assessment/adopt")
def adopt_proposal(
    request: Request,
    workshop: FacilitatedWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    proposal_id: Annotated[int, Form()],
) -> Response:
    adopt(db=db, workshop=workshop, planner=planner, proposal_id=proposal_id)
    return go_to(request, _back(workshop))


@router.post("/facilitators")
def add_facilitator(
    request: Request,
    workshop: FacilitatedWorkshop,
    planner: CurrentPlanner,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
) -> Response:
    review.add_facilitator(db=db, workshop=workshop, by=planner, username=username)
    return go_to(request, f"/console/workshops/{workshop.id}")


@router.get("/report.html")
def report_as_html(workshop: ReportWorkshop, db: DbSession) -> Response:
    record = latest_record(db=db, workshop=workshop)
    name = _filename(workshop.id, record.version, "html")
    return HTMLResponse(
        report_html(versions.report_content(db=db, workshop=workshop, record=record)),
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/report.pdf")
def report_as_pdf(workshop: ReportWorkshop, db: DbSession) -> Response:
    record = latest_record(db=db, workshop=workshop)
    pdf = report_pdf(versions.report_content(db=db, workshop=workshop, record=record))
    name = _filename(workshop.id, record.version, "pdf")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
