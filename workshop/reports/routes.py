"""Planner routes of the report area: the .docx report, data exports and bundles."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import Response

from workshop import exports
from workshop.assessments import versions
from workshop.assessments.deps import FacilitatedWorkshop
from workshop.assessments.service import latest_record
from workshop.deps import DbSession
from workshop.errors import NotFound
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


# --- data exports (planner only; anonymous) -------------------------------------------


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/export/{table}.geojson")
def export_geojson(table: str, workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    makers = {"assets": exports.assets_geojson, "proposals": exports.proposals_geojson}
    if table not in makers:
        raise NotFound("export.unknown_table")
    body = json.dumps(makers[table](db, workshop), ensure_ascii=False).encode("utf-8")
    return _download(body, "application/geo+json", f"workshop-{workshop.id}-{table}.geojson")


@router.get("/export/{table}.csv")
def export_csv(table: str, workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    if table not in exports.TABLES:
        raise NotFound("export.unknown_table")
    rows = exports.tables(db, workshop)[table]
    return _download(
        exports.table_csv(rows, table),
        "text/csv; charset=utf-8",
        f"workshop-{workshop.id}-{table}.csv",
    )


@router.get("/export/workshop.xlsx")
def export_xlsx(workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    return _download(
        exports.workbook_xlsx(exports.tables(db, workshop)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"workshop-{workshop.id}-data.xlsx",
    )
