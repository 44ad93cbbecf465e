"""七、the three disciplines' review beside the residents' verdict."""

from __future__ import annotations

from workshop.outcome import DASH, percent, verdict_label
from workshop.reports.blocks import Block, Cell, Col, t, table
from workshop.reports.view import lst


def _lines(x: dict) -> str:
    return "\n".join(
        t(
            "report.review_line",
            discipline=r.get("discipline_label") or "",
            name=r.get("name") or "",
            feasibility=r.get("feasibility_label") or DASH,
            cost=r.get("cost_band_label") or DASH,
            priority=r.get("priority_label") or DASH,
            comment=f"。{r['comment']}" if r.get("comment") else "",
        )
        for r in lst(x.get("reviews"))
        if isinstance(r, dict)
    )


def review(content: dict, v: dict) -> list[Block]:
    blocks = [Block("h2", t("report.h.review"))]
    reviews = [x for x in lst(content.get("reviews")) if isinstance(x, dict)]
    if not any(lst(x.get("reviews")) for x in reviews):
        return [*blocks, Block("empty", t("report.no_reviews"))]
    rows = [
        [
            Cell(str(x.get("title") or ""), desc=percent(x.get("support_share"))),
            verdict_label(x.get("verdict")) if x.get("verdict") else x.get("verdict_label"),
            _lines(x) or DASH,
            "\n".join(str(s) for s in lst(x.get("statements"))) or DASH,
        ]
        for x in reviews
    ]
    cols = [
        Col(t("report.col.proposal"), width=22),
        Col(t("report.col.residents"), width=13),
        Col(t("report.col.professionals")),
        Col(t("report.col.statement"), width=27),
    ]
    return [*blocks, table(cols, rows)]
