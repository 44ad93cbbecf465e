"""Planner routes of the report area: the .docx report, data exports and bundles."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from workshop.assessments import versions
from workshop.assessments.deps import FacilitatedWorkshop
from workshop.assessments.service import latest_record
from workshop.deps import DbSession
from workshop.reports.docx import report_docx

router = APIRouter(prefix="/console/workshops/{workshop_id}")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/report.docx")
def report_as_docx(workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    record = latest_record(db=db, workshop=workshop)
    data = report_docx(versions.current_content(db=db, workshop=workshop, record=record))
    name = f"workshop-{workshop.id}-report-v{record.version}.docx"
    return Response(
        data, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
