"""The service log and the points breakdown as CSV and XLSX, for the street office."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.communities.models import Community
from workshop.exports.sheets import Share, csv_bytes, xlsx_bytes
from workshop.i18n import label, t
from workshop.service_log.models import ServiceLogEntry
from workshop.service_log.points import Breakdown
from workshop.service_log.yearly import rules_for

Row = list[str | float | int | date | None]
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
                e.date,
                names.get(e.community_id, ""),
                label("work_function", e.work_function),
                e.hours,
                float(rules["base_points"].get(e.work_function, 0)),
                e.special_points,
                e.media_coverage,
                None if e.satisfaction_rate is None else Share(round(e.satisfaction_rate, 4)),
                e.summary,
                proof,
            ]
        )
    return [t(f"log.{c}") for c in LOG_COLUMNS], rows


def breakdown_table(b: Breakdown) -> tuple[list[str], list[Row]]:
    """Return the points breakdown line by line: item, count, base, rate, coefficient,
    points. Each number sits under its own heading: the satisfaction rate and the
    cumulative share under 比例 (a percentage), never under 基础分."""
    header = [
        t("export.item"),
        t("points.count"),
        t("points.base"),
        t("export.rate"),
        t("export.factor"),
        t("points.subtotal"),
    ]
    rows: list[Row] = [
        [label("work_function", x.work_function), x.count, x.base_points, None, x.capability,
         round(x.subtotal, 4)]
        for x in b.lines
    ]  # fmt: skip
    rows.append([t("points.activity_sum"), None, None, None, None, b.activity_points])
    rate = None if b.satisfaction_rate is None else Share(round(b.satisfaction_rate, 4))
    rows.append([t("points.coefficient"), b.rated, None, rate, b.satisfaction_coefficient,
                 round(b.activity_points * b.satisfaction_coefficient, 4)])  # fmt: skip
    rows.append([t("export.cumulative"), None, b.previous_points,
                 Share(b.rules["cumulative_share"]), None, b.cumulative_points])  # fmt: skip
    for s in b.specials:
        rows.append([t("export.special"), None, s.claimed, None, None, s.counted])
    rows.append([t("points.total"), None, None, None, None, b.total])
    rows.append([t("points.stars"), None, None, None, None, b.stars])
    rows.append([t("points.education"), None, None, None, None, b.education_hours])
    return header, rows


def to_csv(header: list[str], rows: list[Row]) -> bytes:
    """CSV with a BOM, so spreadsheet programs read the Chinese; formulas defused."""
    return csv_bytes(header, rows)


def to_xlsx(sheets: Sequence[tuple[str, list[str], list[Row]]]) -> bytes:
    """One worksheet per (title, header, rows): bold frozen header, typed dates and
    percentages, text never a formula and shown without a quote mark."""
    return xlsx_bytes(sheets)
