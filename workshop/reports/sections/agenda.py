"""三、agenda: the meeting's stages with their clock times (China time)."""

from __future__ import annotations

from workshop.outcome import DASH
from workshop.reports.blocks import Block, Col, t, table
from workshop.reports.view import d, lst
from workshop.templating import format_datetime_filter
from workshop.workshops.service import STAGES


def stage_time(row: dict | None) -> str:
    """ "14:30–15:17（47 分钟）": the stage's clock times in China time."""
    if not row or not row.get("start"):
        return DASH
    start = format_datetime_filter(row["start"], "HH:mm")
    if not row.get("end"):
        return t("report.stage_started", start=start)
    end = format_datetime_filter(row["end"], "HH:mm")
    return t("report.stage_span", start=start, end=end, minutes=row.get("minutes") or 0)


def agenda(content: dict, v: dict) -> list[Block]:
    timed = {
        row.get("stage"): row
        for row in lst(d(content.get("workshop")).get("stages"))
        if isinstance(row, dict)
    }
    cols = [
        Col(t("report.col.order"), "centre", 10),
        Col(t("report.col.stage"), width=20),
        Col(t("report.col.content")),
    ]
    rows = [[i, t(f"report.stage.{s}"), t(f"report.agenda.{s}")] for i, s in enumerate(STAGES, 1)]
    if timed:  # records written before the stage log have no times
        cols.append(Col(t("report.col.time"), width=26))
        for row, stage in zip(rows, STAGES, strict=True):
            row.append(stage_time(timed.get(stage)))
    return [Block("h2", t("report.h.agenda")), table(cols, rows)]
