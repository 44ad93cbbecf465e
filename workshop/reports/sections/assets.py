"""四、assets (map figure, classes, subtypes) and 附二 the numbered asset inventory."""

from __future__ import annotations

from workshop.outcome import DASH, percent
from workshop.reports.blocks import Block, Cell, Col, t, table
from workshop.reports.figure import colour_or_default
from workshop.reports.view import d, lst


def assets(content: dict, v: dict) -> list[Block]:
    summary = v["assets"]
    blocks = [
        Block("h2", t("report.h.assets")),
        Block(
            "p",
            t(
                "report.assets_intro",
                total=summary["total"],
                appendix=t("report.assets_appendix") if summary["inventory"] else "",
            ),
        ),
    ]
    if v["figure"]:
        blocks.append(Block("figure", t("report.figure_caption"), svg=v["figure"]))
    else:
        blocks.append(Block("empty", t("report.no_figure")))
    blocks.append(
        table(
            [
                Col(t("report.col.asset_class")),
                Col(t("report.col.asset_count"), "num", 20),
                Col(t("report.col.share"), "num", 20),
            ],
            [
                [Cell(c.get("label") or DASH, swatch=c["colour"]), c["count"], percent(c["share"])]
                for c in summary["classes"]
            ],
            [t("report.total"), summary["total"], percent(1) if summary["total"] else DASH],
        )
    )
    subtypes = [s for s in lst(d(content.get("assets")).get("by_subtype")) if isinstance(s, dict)]
    if any(s.get("subtype") for s in subtypes):
        blocks += [
            Block("h3", t("report.h3.by_subtype")),
            table(
                [
                    Col(t("report.col.asset_class"), width=30),
                    Col(t("report.col.subtype")),
                    Col(t("report.col.asset_count"), "num", 20),
                ],
                [
                    [
                        s.get("label"),
                        s.get("subtype_label") or t("report.no_subtype"),
                        s.get("count"),
                    ]
                    for s in subtypes
                ],
            ),
        ]
    return blocks


def inventory(content: dict, v: dict) -> list[Block]:
    groups = v["assets"]["inventory"]
    if not groups:
        return []
    blocks = [Block("pagebreak"), Block("h2", t("report.h.inventory"))]
    for group in groups:
        blocks.append(
            Block(
                "h3",
                t("report.inventory_group", label=group["label"], count=len(group["entries"])),
                swatch=colour_or_default(group["colour"]),
            )
        )
        blocks.append(Block("inventory", items=group["entries"]))
    return blocks
