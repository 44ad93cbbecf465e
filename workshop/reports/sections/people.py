"""一、facilitators; 二、participation by group and representativeness."""

from __future__ import annotations

from workshop.outcome import DASH, percent
from workshop.reports.blocks import Block, Col, num, t, table
from workshop.reports.view import d, lst


def facilitators(content: dict, v: dict) -> list[Block]:
    blocks = [Block("h2", t("report.h.facilitators"))]
    rows = [f for f in lst(content.get("facilitators")) if isinstance(f, dict)]
    if not rows:
        return [*blocks, Block("empty", t("report.no_facilitators"))]
    cols = [
        Col(t("report.col.name"), width=16),
        Col(t("report.col.discipline"), width=14),
        Col(t("report.col.title"), width=12),
        Col(t("report.col.organisation")),
        Col(t("report.col.role"), width=10),
    ]
    body = [
        [
            f.get("name"),
            f.get("discipline_label"),
            f.get("title_label"),
            f.get("organisation"),
            t("report.role.lead" if f.get("lead", True) else "report.role.co"),
        ]
        for f in rows
    ]
    return [*blocks, table(cols, body)]


def participation(content: dict, v: dict) -> list[Block]:
    part, voters = v["participation"], v["voting"]["voters"]
    blocks = [
        Block("h2", t("report.h.participation")),
        Block(
            "p",
            t(
                "report.participation_intro",
                total=part["total"],
                voters=t("report.participation_voters", voters=voters)
                if voters is not None
                else "",
            ),
        ),
    ]
    if part["groups"]:
        blocks.append(
            table(
                [
                    Col(t("report.col.group")),
                    Col(t("report.col.people"), "num", 20),
                    Col(t("report.col.share"), "num", 20),
                ],
                [[g["group"], g["count"], percent(g["share"])] for g in part["groups"]],
                [t("report.total"), part["total"], percent(1) if part["total"] else DASH],
            )
        )
    else:
        blocks.append(Block("empty", t("report.no_participants")))
    rep = d(content.get("representativeness"))
    groups = [g for g in lst(rep.get("groups")) if isinstance(g, dict)]
    if not groups:
        return blocks
    blocks += [
        Block("h3", t("report.h3.representativeness")),
        Block("p", t("report.representativeness_intro", margin=percent(rep.get("margin")))),
        table(
            [
                Col(t("report.col.group")),
                Col(t("report.col.population"), "num", 12),
                Col(t("report.col.population_share"), "num", 13),
                Col(t("report.col.participants"), "num", 12),
                Col(t("report.col.participant_share"), "num", 13),
                Col(t("report.col.gap"), "num", 11),
                Col(t("report.col.represented"), width=14),
            ],
            [
                [
                    g.get("group"),
                    num(g.get("population")),
                    percent(g.get("population_share")),
                    num(g.get("participants")),
                    percent(g.get("participant_share")),
                    percent(g.get("gap")),
                    t("report.under_represented")
                    if g.get("under_represented")
                    else t("report.represented_ok"),
                ]
                for g in groups
            ],
        ),
    ]
    return blocks
