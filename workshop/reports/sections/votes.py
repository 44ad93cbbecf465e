"""五、proposals and votes (rules, sources, the results table); 六、dissent.

Every verdict word, pass/fail word, percentage and rule sentence comes from
`workshop.outcome`, as on the record page and in the exports.
"""

from __future__ import annotations

from typing import Any

from workshop.outcome import (
    DASH,
    caveat,
    passed_label,
    percent,
    rule_sentences,
    verdict_label,
)
from workshop.reports.blocks import Block, Cell, Col, cell, num, t, table
from workshop.reports.view import bar, d, lst

SOURCES = ("tablet", "paper", "assisted")


def ranked(content: dict) -> list[dict]:
    """The record's proposals in rank order (unranked last)."""
    return sorted(
        (p for p in lst(content.get("proposals")) if isinstance(p, dict)),
        key=lambda p: (p.get("rank") is None, p.get("rank") or 0),
    )


def yes_no_abstain(p: dict) -> str:
    return f"{num(p.get('yes'))}/{num(p.get('no'))}/{num(p.get('abstain'))}"


def _groups(p: dict, key: str) -> list[str]:
    return [str(g) for g in lst(p.get(key))]


def _verdict_cell(p: dict) -> Cell:
    notes = []
    if dissenting := _groups(p, "dissenting_groups"):
        notes.append(t("report.dissenting", groups="、".join(dissenting)))
    if warning := caveat(_groups(p, "under_represented_groups")):
        notes.append(warning)
    return cell(verdict_label(p.get("verdict")), desc="\n".join(notes))


def rule_blocks(content: dict) -> list[Block]:
    """The consensus rule and the decision rule, worded from the rule objects."""
    return [Block("p", s) for s in rule_sentences(content.get("voting"))]


def proposals(content: dict, v: dict) -> list[Block]:
    voting = v["voting"]
    blocks = [
        Block("h2", t("report.h.proposals")),
        Block(
            "p",
            t(
                "report.voting_intro",
                method=voting["method_label"] or DASH,
                voters=num(voting["voters"]),
            ),
        ),
        *rule_blocks(content),
    ]
    if sources := d(content.get("vote_sources")):
        counts = {k: sources.get(k) or 0 for k in SOURCES}
        blocks.append(Block("p", t("report.vote_sources", **counts)))
    rows = ranked(content)
    if not rows:
        return [*blocks, Block("empty", t("report.no_proposals"))]
    has_verdicts = any(p.get("verdict") for p in rows)
    has_yna = any(p.get("passed") is not None for p in rows)
    cols = [
        Col(t("report.col.rank"), "centre", 7),
        Col(t("report.col.proposal")),
        Col(t("report.col.supporters"), "num", 10),
        Col(t("report.col.support_share"), "num", 9),
    ]
    if has_yna:
        cols += [Col(t("report.col.yna"), "num", 17), Col(t("report.col.passed"), width=10)]
    if has_verdicts:
        cols.append(Col(t("report.col.verdict"), width=17))
    body = []
    for p in rows:
        desc = str(p.get("description") or "")
        if by_source := d(p.get("by_source")):
            line = t("report.by_source", **{k: by_source.get(k) or 0 for k in SOURCES})
            desc = f"{desc}\n{line}" if desc else line
        row: list[Any] = [
            num(p.get("rank")),
            Cell(str(p.get("title") or ""), desc=desc),
            p.get("supporters") or 0,
            Cell(percent(p.get("support_share")), bar=bar(p.get("support_share"))),
        ]
        if has_yna:
            row += [yes_no_abstain(p), passed_label(p.get("passed"))]
        if has_verdicts:
            row.append(_verdict_cell(p))
        body.append(row)
    return [*blocks, table(cols, body)]


def dissent(content: dict, v: dict) -> list[Block]:
    """Contested items and rejected proposals, stated plainly."""
    items: list[str] = []
    for p in ranked(content):
        groups = _groups(p, "dissenting_groups")
        if p.get("verdict") == "contested" or groups:
            items.append(
                t(
                    "report.dissent_item",
                    title=p.get("title") or "",
                    verdict=verdict_label(p.get("verdict")),
                    share=percent(p.get("support_share")),
                    groups=t("report.dissent_groups", groups="、".join(groups)) if groups else "",
                )
            )
        if p.get("passed") is False and (p.get("yes") or p.get("no")):
            items.append(
                t(
                    "report.dissent_rejected",
                    title=p.get("title") or "",
                    yes=num(p.get("yes")),
                    no=num(p.get("no")),
                    abstain=num(p.get("abstain")),
                )
            )
    body = Block("list", items=items) if items else Block("p", t("report.no_dissent"))
    return [Block("h2", t("report.h.dissent")), body]
