"""The service log and the points breakdown as CSV and XLSX, for the street office."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.communities.models import Community
from workshop.i18n import label, t
from workshop.service_log.models import ServiceLogEntry
from workshop.service_log.points import Breakdown
from workshop.service_log.yearly import rules_for

Row = list[str | float | int | None]
LOG_COLUMNS = (
    "date",
    "community",
    "function",
    "hours",
    "base_points",
    "special_points",
    "media",
    "satisfaction",
    "summary",
    "proof",
)


def log_table(
    *, db: Session, planner: Planner, entries: Sequence[ServiceLogEntry]
) -> tuple[list[str], list[Row]]:
    """Return the header and one row per entry, numbers as numbers."""
    rules = rules_for(db=db, planner=planner)
    names = dict(db.execute(select(Community.id, Community.name)).all())
    rows: list[Row] = []
    for e in entries:
        proof = (
            t("log.proof_record", id=e.assessment_id)
            if e.assessment_id
            else t("log.proof_workshop", id=e.workshop_id)
            if e.workshop_id
            else ""
        )
        rows.append(
            [
                e.date.isoformat(),
                names.get(e.community_id, ""),
                label("work_function", e.work_function),
                e.hours,
                float(rules["base_points"].get(e.work_function, 0)),
                e.special_points,
                _cell(e.media_coverage),
                None if e.satisfaction_rate is None else round(e.satisfaction_rate, 4),
                _cell(e.summary),
                proof,
            ]
        )
    return [t(f"log.{c}") for c in LOG_COLUMNS], rows


def breakdown_table(b: Breakdown) -> tuple[list[str], list[Row]]:
    """Return the points breakdown line by line: item, count, value, coefficient, points."""
    header = [
        t("export.item"),
        t("points.count"),
        t("points.base"),
        t("export.factor"),
        t("points.subtotal"),
    ]
    rows: list[Row] = [
        [label("work_function", x.work_function), x.count, x.base_points, x.capability,
         round(x.subtotal, 4)]
        for x in b.lines
    ]  # fmt: skip
    rows.append([t("points.activity_sum"), None, None, None, b.activity_points])
    rate = None if b.satisfaction_rate is None else round(b.satisfaction_rate, 4)
    rows.append([t("points.coefficient"), b.rated, rate, b.satisfaction_coefficient,
                 round(b.activity_points * b.satisfaction_coefficient, 4)])  # fmt: skip
    rows.append([t("export.cumulative"), None, b.previous_points,
                 b.rules["cumulative_share"], b.cumulative_points])  # fmt: skip
    for s in b.specials:
        rows.append([t("export.special"), None, s.claimed, None, s.counted])
    rows.append([t("points.total"), None, None, None, b.total])
    rows.append([t("points.stars"), None, None, None, b.stars])
    rows.append([t("points.education"), None, None, None, b.education_hours])
    return header, rows


def to_csv(header: list[str], rows: list[Row]) -> bytes:
    """CSV with a BOM, so spreadsheet programs read the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[tuple[str, list[str], list[Row]]]) -> bytes:
    """One worksheet per (title, header, rows); the header row is bold and frozen."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for i, name in enumerate(header, start=1):
            width = max([len(str(name))] + [len(str(r[i - 1] or "")) for r in rows]) * 2 + 2
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(width, 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Defuse spreadsheet formulas in text people typed (CSV/XLSX injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
