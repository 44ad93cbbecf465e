from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from workshop.assessments.service import latest_record
from workshop.deps import CurrentPlanner, DbSession, PlannerWorkshop
from workshop.reports.render import report_html, report_pdf
from workshop.templating import render

router = APIRouter(prefix="/console/workshops/{workshop_id}")


def _filename(workshop_id: int, version: int, ext: str) -> str:
    return f"workshop-{workshop_id}-report-v{version}.{ext}"


@router.get("/assessment")
def assessment(
    request: Request, workshop: PlannerWorkshop, planner: CurrentPlanner, db: DbSession
) -> Response:
    record = latest_record(db=db, workshop=workshop)
    context = {"planner": planner, "workshop": workshop, "record": record, "c": record.content}
    return render(request, "assessments/assessment.html", context)


@router.get("/report.html")
def report_as_html(workshop: PlannerWorkshop, db: DbSession) -> Response:
    record = latest_record(db=db, workshop=workshop)
    name = _filename(workshop.id, record.version, "html")
    return HTMLResponse(
        report_html(record.content),
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/report.pdf")
def report_as_pdf(workshop: PlannerWorkshop, db: DbSession) -> Response:
    record = latest_record(db=db, workshop=workshop)
    pdf = report_pdf(record.content)
    name = _filename(workshop.id, record.version, "pdf")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
