"""Planner routes of the report area: the .docx report, data exports and bundles."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response

from workshop import exports
from workshop.assessments import versions
from workshop.assessments.deps import FacilitatedWorkshop
from workshop.assessments.service import latest_record
from workshop.bundle import export_bundle
from workshop.bundle.service import import_prepared, prepare_import_elsewhere
from workshop.deps import DbSession, current_planner, photos_dir
from workshop.errors import Invalid, NotFound
from workshop.reports.docx import report_docx
from workshop.templating import go_to

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


# --- workshop bundles ----------------------------------------------------------------------

MAX_UPLOAD = 256 * 1024 * 1024


@router.get("/bundle.zip")
def bundle_download(request: Request, workshop: FacilitatedWorkshop, db: DbSession) -> Response:
    bundle = export_bundle(db, workshop, photos_dir=photos_dir(request))
    return _download(bundle.data, "application/zip", f"workshop-{workshop.id}-bundle.zip")


bundles = APIRouter(prefix="/console/bundles")


@bundles.post("/import")
def bundle_upload(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import a bundle: a plain `def`, so FastAPI runs it on a worker thread and the event
    loop keeps serving. The bundle is read and verified before the writer is taken; only
    the inserts hold it (`workshop.bundle.service.prepare_import`)."""
    database = request.app.state.db
    with database.unit_of_work(write=False) as db:
        current_planner(request, db)  # logged in, or 401 before the upload is read
    if file is None or not file.filename:
        raise Invalid("bundle.no_file")
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid("bundle.too_large")
    prepared = prepare_import_elsewhere(data)  # a worker process: the GIL stays free
    with database.unit_of_work() as db:
        done = import_prepared(db, prepared, photos_dir=photos_dir(request))
    # The bundles page names what was imported (or says it was here already), with a link.
    outcome = "imported" if done.created else "already"
    return go_to(request, f"/console/bundles?{outcome}={done.workshop_id}")
