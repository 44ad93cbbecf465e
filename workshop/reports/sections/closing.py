"""八、satisfaction; 九、next steps; 十、signatures; 附一、method notes."""

from __future__ import annotations

from workshop.outcome import DASH, percent, verdict_glossary
from workshop.reports.anchor import anchor_block
from workshop.reports.blocks import Block, Col, t, table
from workshop.reports.view import SATISFACTION, cn_date, d, lst


def rate_text(v: dict) -> str:
    rate = v["satisfaction"]["rate"]
    return percent(rate) if rate is not None else t("report.no_data")


def satisfaction(content: dict, v: dict) -> list[Block]:
    summary = v["satisfaction"]
    blocks = [Block("h2", t("report.h.satisfaction"))]
    if summary["responses"]:
        blocks.append(
            table(
                [
                    Col(t("report.col.rating")),
                    Col(t("report.col.people"), "num", 20),
                    Col(t("report.col.share"), "num", 20),
                ],
                [[row["label"], row["count"], percent(row["share"])] for row in summary["rows"]],
                [t("report.responses"), summary["responses"], percent(1)],
            )
        )
    ratings: dict[object, str] = dict(SATISFACTION)  # stored content: any rating value
    comments = [
        m for m in lst(d(content.get("satisfaction")).get("comments")) if isinstance(m, dict)
    ]
    if comments:
        blocks.append(Block("h3", t("report.comments", count=len(comments))))
        items = [
            t("report.comment", text=m.get("text", ""), rating=ratings.get(m.get("rating"), DASH))
            for m in comments
        ]
        blocks.append(Block("list", items=items))
    none = "" if summary["responses"] else t("report.satisfaction_none")
    blocks.append(Block("p", t("report.satisfaction_rate", rate=rate_text(v), none=none)))
    return blocks


def _followup_row(f: dict) -> list:
    last = " ".join(
        x
        for x in (
            cn_date(f.get("last_date")) if f.get("last_date") else "",
            str(f.get("last_note") or ""),
        )
        if x
    )
    return [f.get("title"), f.get("status_label"), last]


def next_steps(content: dict, v: dict) -> list[Block]:
    blocks = [Block("h2", t("report.h.next"))]
    goals = [str(g) for g in lst(content.get("goals")) if str(g).strip()]
    findings = str(content.get("findings") or "").strip()
    recommendations = str(content.get("recommendations") or "").strip()
    followup = [f for f in lst(content.get("followup")) if isinstance(f, dict)]
    if goals:
        blocks += [Block("h3", t("report.h3.goals")), Block("list", items=goals, ordered=True)]
    if findings:
        blocks += [Block("h3", t("report.h3.findings")), Block("p", findings)]
    if recommendations:
        blocks += [Block("h3", t("report.h3.recommendations")), Block("p", recommendations)]
    if followup:
        cols = [
            Col(t("report.col.item")),
            Col(t("report.col.status"), width=16),
            Col(t("report.col.last"), width=36),
        ]
        blocks += [
            Block("h3", t("report.h3.followup")),
            table(cols, [_followup_row(f) for f in followup]),
        ]
    if not (goals or findings or recommendations or followup):
        blocks.append(Block("empty", t("report.no_next")))
    return blocks


def signatures(content: dict, v: dict) -> list[Block]:
    seal = t("report.sign.seal")
    return [
        Block("h2", t("report.h.signatures")),
        Block("note", t("report.sign_note")),
        Block(
            "signatures",
            items=[
                t("report.sign.committee") + " " + seal,
                t("report.sign.planner"),
                t("report.sign.street") + " " + seal,
            ],
        ),
    ]


def _definitions(content: dict) -> bool:
    return bool(d(d(content.get("voting")).get("rules")).get("definitions"))


def method(content: dict, v: dict) -> list[Block]:
    """附一: how the numbers are computed, and what each verdict word means."""
    notes = [
        t("report.method.support"),
        t("report.method.consensus"),
        *verdict_glossary(),
        # Definitions 2 (docs/consensus.md): what a pass and "no group" mean.
        *([t("report.method.verdicts")] if _definitions(content) else []),
        t("report.method.satisfaction"),
        t("report.method.anonymous"),
        t("report.method.map"),
    ]
    if audit := d(content.get("audit")):
        notes.append(
            t(
                "report.method.audit",
                chain=audit.get("vote_chain_head") or DASH,
                record=audit.get("record_hash") or DASH,
            )
        )
    notes.append(t("report.method.generated", at=v["generated_at"]))
    blocks = [Block("h2", t("report.h.method")), Block("list", items=notes, ordered=True)]
    # Paper anchors the digital (issue 16): record hash and key fingerprint, text and QR.
    if (anchor := anchor_block(d(content.get("audit")))) is not None:
        blocks.append(anchor)
    return blocks
