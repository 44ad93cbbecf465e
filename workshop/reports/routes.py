"""Planner routes of the report area: the .docx report, data exports and bundles."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from workshop import exports
from workshop.accounts.models import Planner
from workshop.assessments import versions
from workshop.assessments.deps import FacilitatedWorkshop, ReportWorkshop
from workshop.assessments.review import is_facilitator
from workshop.assessments.service import latest_record
from workshop.bundle import export_bundle
from workshop.bundle.planners import owner_by_username
from workshop.bundle.service import Imported, import_prepared, prepare_import_elsewhere
from workshop.db import Database
from workshop.deps import DbSession, current_planner, photos_dir
from workshop.errors import Invalid, NotFound
from workshop.reports.docx import report_docx
from workshop.templating import go_to
from workshop.workshops.models import Workshop

router = APIRouter(prefix="/console/workshops/{workshop_id}")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/report.docx")
def report_as_docx(workshop: ReportWorkshop, db: DbSession) -> Response:
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


async def _importer(request: Request) -> Planner:
    """The logged-in planner, checked (401) before the upload is read or validated; its
    short read session ends before the bundle is verified."""
    database: Database = request.app.state.db
    async with database.request_unit(write=False) as db:
        return await run_in_threadpool(current_planner, request, db)


@bundles.post("/import")
async def bundle_upload(
    request: Request,
    planner: Annotated[Planner, Depends(_importer)],
    file: Annotated[UploadFile | None, File()] = None,
    owner: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Import a bundle. The bundle is read and verified in a worker process before the
    writer is taken (`prepare_import_elsewhere`: the GIL stays free for other requests);
    only the inserts hold the writer, awaited in the event loop like any write."""
    database: Database = request.app.state.db
    if file is None or not file.filename:
        raise Invalid("bundle.no_file")
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid("bundle.too_large")
    prepared = await run_in_threadpool(prepare_import_elsewhere, data)

    def write(db: Session) -> tuple[Imported, bool]:
        # The workshop is the importer's; only a city administrator hands it to another.
        owner_id = planner.id
        if owner.strip() and planner.role == "city_admin":
            owner_id = owner_by_username(db, owner)
        done = import_prepared(db, prepared, photos_dir=photos_dir(request), owner_id=owner_id)
        db.flush()
        imported = db.get(Workshop, done.workshop_id)
        visible = imported is not None and is_facilitator(db=db, workshop=imported, planner=planner)
        return done, visible

    async with database.request_unit(write=True) as db:
        done, visible = await run_in_threadpool(write, db)
    # The bundles page names what was imported (or says it was here already), with a link.
    outcome = "imported" if done.created else "already"
    if not visible:
        return go_to(request, f"/console/bundles?{outcome}")
    return go_to(request, f"/console/bundles?{outcome}={done.workshop_id}")
