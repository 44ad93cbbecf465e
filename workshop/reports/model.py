"""The report's document model: one list of blocks built from the record content.

`build(content, for_pdf=...)` returns a `Document` (cover fields, headline figures and a
list of blocks: headings, paragraphs, tables, the map figure, lists, the signature block).
The HTML/PDF template and the DOCX writer both walk these blocks and print their text as
given, so the two formats can never disagree. All wording comes from
`workshop.messages.report.ZH_CN` (the report is an official zh-CN document).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from workshop.i18n import REPORT_LOCALE
from workshop.i18n import t as translate
from workshop.reports import render as r
from workshop.reports.figure import asset_map_svg, colour_or_default
from workshop.templating import format_datetime_filter
from workshop.workshops.service import STAGES


def t(key: str, **params: Any) -> str:
    """The report's wording: always Chinese, the street office's language."""
    return translate(key, locale=REPORT_LOCALE, **params)


@dataclass
class Col:
    text: str
    align: str = ""  # "", "num" or "centre"
    width: int | None = None  # percent of the table width


@dataclass
class Cell:
    text: str
    desc: str = ""  # a second, smaller line
    swatch: str = ""  # a hex colour dot before the text
    bar: float | None = None  # 0-100: a support bar under the text


@dataclass
class Block:
    kind: str  # h2, h3, p, note, empty, table, figure, list, signatures, inventory, pagebreak
    text: str = ""
    cols: list[Col] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    foot: list[Cell] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    svg: Markup | None = None
    swatch: str = ""
    ordered: bool = False


@dataclass
class Document:
    title: str
    community: str
    kicker: str
    subtitle: str | None
    meta: list[tuple[str, str, str, str]]
    figures: list[tuple[str, str]]
    blocks: list[Block]
    generated: str


def _cell(value: Any, **kw: Any) -> Cell:
    return Cell(text=r.DASH if value is None or value == "" else str(value), **kw)


def _table(cols: list[Col], rows: list[list[Any]], foot: list[Any] | None = None) -> Block:
    def as_cell(v: Any) -> Cell:
        return v if isinstance(v, Cell) else _cell(v)

    return Block(
        "table",
        cols=cols,
        rows=[[as_cell(v) for v in row] for row in rows],
        foot=[as_cell(v) for v in foot or []],
    )


def _stage_time(row: dict | None) -> str:
    """ "14:30–15:17（47 分钟）": the stage's clock times in China time."""
    if not row or not row.get("start"):
        return r.DASH
    start = format_datetime_filter(row["start"], "HH:mm")
    if not row.get("end"):
        return t("report.stage_started", start=start)
    end = format_datetime_filter(row["end"], "HH:mm")
    return t("report.stage_span", start=start, end=end, minutes=row.get("minutes") or 0)


def _num(value: Any) -> str:
    return r.DASH if value is None else str(value)


def build(content: dict, *, for_pdf: bool = False) -> Document:
    d, lst = r._d, r._l
    view = r._view(content, for_pdf=for_pdf)
    community, workshop = view["community"], view["workshop"]
    participation, assets, voting = view["participation"], view["assets"], view["voting"]
    satisfaction = view["satisfaction"]
    raw_voting = d(content.get("voting"))
    raw_assets = d(content.get("assets"))
    rate = satisfaction["rate"]
    rate_text = r.percent(rate) if rate is not None else t("report.no_data")
    blocks: list[Block] = []
    add = blocks.append

    # 一、facilitators
    add(Block("h2", t("report.h.facilitators")))
    raw_facilitators = [f for f in lst(content.get("facilitators")) if isinstance(f, dict)]
    if raw_facilitators:
        add(
            _table(
                [
                    Col(t("report.col.name"), width=16),
                    Col(t("report.col.discipline"), width=14),
                    Col(t("report.col.title"), width=12),
                    Col(t("report.col.organisation")),
                    Col(t("report.col.role"), width=10),
                ],
                [
                    [
                        f.get("name"),
                        f.get("discipline_label"),
                        f.get("title_label"),
                        f.get("organisation"),
                        t("report.role.lead" if f.get("lead", True) else "report.role.co"),
                    ]
                    for f in raw_facilitators
                ],
            )
        )
    else:
        add(Block("empty", t("report.no_facilitators")))

    # 二、participation (+ representativeness)
    add(Block("h2", t("report.h.participation")))
    voters = voting["voters"]
    add(
        Block(
            "p",
            t(
                "report.participation_intro",
                total=participation["total"],
                voters=t("report.participation_voters", voters=voters)
                if voters is not None
                else "",
            ),
        )
    )
    if participation["groups"]:
        add(
            _table(
                [
                    Col(t("report.col.group")),
                    Col(t("report.col.people"), "num", 20),
                    Col(t("report.col.share"), "num", 20),
                ],
                [[g["group"], g["count"], r.percent(g["share"])] for g in participation["groups"]],
                [
                    t("report.total"),
                    participation["total"],
                    "100.0%" if participation["total"] else r.DASH,
                ],
            )
        )
    else:
        add(Block("empty", t("report.no_participants")))
    rep = d(content.get("representativeness"))
    if lst(rep.get("groups")):
        add(Block("h3", t("report.h3.representativeness")))
        add(Block("p", t("report.representativeness_intro", margin=r.percent(rep.get("margin")))))
        add(
            _table(
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
                        _num(g.get("population")),
                        r.percent(g.get("population_share")),
                        _num(g.get("participants")),
                        r.percent(g.get("participant_share")),
                        r.percent(g.get("gap")),
                        t("report.under_represented")
                        if g.get("under_represented")
                        else t("report.represented_ok"),
                    ]
                    for g in lst(rep.get("groups"))
                    if isinstance(g, dict)
                ],
            )
        )

    # 三、agenda
    add(Block("h2", t("report.h.agenda")))
    timed = {
        row.get("stage"): row
        for row in lst(d(content.get("workshop")).get("stages"))
        if isinstance(row, dict)
    }
    agenda_cols = [
        Col(t("report.col.order"), "centre", 10),
        Col(t("report.col.stage"), width=20),
        Col(t("report.col.content")),
    ]
    agenda = [[i, t(f"report.stage.{s}"), t(f"report.agenda.{s}")] for i, s in enumerate(STAGES, 1)]
    if timed:  # records written before the stage log have no times
        agenda_cols.append(Col(t("report.col.time"), width=26))
        for row, stage in zip(agenda, STAGES, strict=True):
            row.append(_stage_time(timed.get(stage)))
    add(_table(agenda_cols, agenda))

    # 四、assets: figure, classes, subtypes
    add(Block("h2", t("report.h.assets")))
    add(
        Block(
            "p",
            t(
                "report.assets_intro",
                total=assets["total"],
                appendix=t("report.assets_appendix") if assets["inventory"] else "",
            ),
        )
    )
    if view["figure"]:
        add(Block("figure", t("report.figure_caption"), svg=view["figure"]))
    else:
        add(Block("empty", t("report.no_figure")))
    add(
        _table(
            [
                Col(t("report.col.asset_class")),
                Col(t("report.col.asset_count"), "num", 20),
                Col(t("report.col.share"), "num", 20),
            ],
            [
                [
                    Cell(c.get("label") or r.DASH, swatch=c["colour"]),
                    c["count"],
                    r.percent(c["share"]),
                ]
                for c in assets["classes"]
            ],
            [t("report.total"), assets["total"], "100.0%" if assets["total"] else r.DASH],
        )
    )
    subtypes = [s for s in lst(raw_assets.get("by_subtype")) if isinstance(s, dict)]
    if any(s.get("subtype") for s in subtypes):
        add(Block("h3", t("report.h3.by_subtype")))
        add(
            _table(
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
            )
        )

    # 五、proposals and votes
    add(Block("h2", t("report.h.proposals")))
    add(
        Block(
            "p",
            t(
                "report.voting_intro",
                method=voting["method_label"] or r.DASH,
                voters=_num(voters),
            ),
        )
    )
    rules = voting["rules"]
    if rules:
        add(
            Block(
                "p",
                t(
                    "report.consensus_rule",
                    threshold=r.percent(rules.get("agreement_threshold")),
                    min_voters=_num(rules.get("group_min_voters")),
                    floor=r.percent(rules.get("group_floor")),
                    quorum=_num(rules.get("quorum")),
                ),
            )
        )
    rule = d(raw_voting.get("decision_rule"))
    if rule:
        add(
            Block(
                "p",
                t(
                    "report.decision_rule",
                    basis=rule.get("basis_label") or rule.get("basis") or r.DASH,
                    threshold=r.percent(rule.get("threshold")),
                    members=t("report.decision_members", members=rule["members"])
                    if rule.get("members")
                    else "",
                    quorum=r.percent(rule.get("quorum_share")),
                ),
            )
        )
    sources = d(content.get("vote_sources"))
    if sources:
        add(
            Block(
                "p",
                t(
                    "report.vote_sources",
                    **{k: sources.get(k) or 0 for k in ("tablet", "paper", "assisted")},
                ),
            )
        )
    raw_by_rank = sorted(
        (p for p in lst(content.get("proposals")) if isinstance(p, dict)),
        key=lambda p: (p.get("rank") is None, p.get("rank") or 0),
    )
    if raw_by_rank:
        has_verdicts = any(p.get("verdict_label") for p in raw_by_rank)
        has_yna = any(p.get("passed") is not None for p in raw_by_rank)
        cols = [
            Col(t("report.col.rank"), "centre", 7),
            Col(t("report.col.proposal")),
            Col(t("report.col.supporters"), "num", 10),
            Col(t("report.col.support_share"), "num", 11),
        ]
        if has_yna:
            cols += [Col(t("report.col.yna"), "num", 12), Col(t("report.col.passed"), width=10)]
        if has_verdicts:
            cols.append(Col(t("report.col.verdict"), width=13))
        rows = []
        for p in raw_by_rank:
            desc = str(p.get("description") or "")
            by_source = d(p.get("by_source"))
            if by_source:
                line = t(
                    "report.by_source",
                    **{k: by_source.get(k) or 0 for k in ("tablet", "paper", "assisted")},
                )
                desc = f"{desc}\n{line}" if desc else line
            row: list[Any] = [
                _num(p.get("rank")),
                Cell(str(p.get("title") or ""), desc=desc),
                p.get("supporters") or 0,
                Cell(r.percent(p.get("support_share")), bar=r._bar(p.get("support_share"))),
            ]
            if has_yna:
                row.append(f"{_num(p.get('yes'))}/{_num(p.get('no'))}/{_num(p.get('abstain'))}")
                passed = p.get("passed")
                row.append(
                    r.DASH
                    if passed is None
                    else t("report.passed" if passed else "report.not_passed")
                )
            if has_verdicts:
                groups = [str(g) for g in lst(p.get("dissenting_groups"))]
                row.append(
                    _cell(
                        p.get("verdict_label"),
                        desc=t("report.dissenting", groups="、".join(groups)) if groups else "",
                    )
                )
            rows.append(row)
        add(_table(cols, rows))
    else:
        add(Block("empty", t("report.no_proposals")))

    # 六、dissent and contested items, stated plainly
    add(Block("h2", t("report.h.dissent")))
    dissent: list[str] = []
    for p in raw_by_rank:
        groups = [str(g) for g in lst(p.get("dissenting_groups"))]
        if p.get("verdict") == "contested" or groups:
            dissent.append(
                t(
                    "report.dissent_item",
                    title=p.get("title") or "",
                    verdict=p.get("verdict_label") or r.DASH,
                    share=r.percent(p.get("support_share")),
                    groups=t("report.dissent_groups", groups="、".join(groups)) if groups else "",
                )
            )
        if p.get("passed") is False and (p.get("yes") or p.get("no")):
            dissent.append(
                t(
                    "report.dissent_rejected",
                    title=p.get("title") or "",
                    yes=_num(p.get("yes")),
                    no=_num(p.get("no")),
                    abstain=_num(p.get("abstain")),
                )
            )
    if dissent:
        add(Block("list", items=dissent))
    else:
        add(Block("p", t("report.no_dissent")))

    # 七、professional review beside the residents' verdict
    add(Block("h2", t("report.h.review")))
    reviews = [x for x in lst(content.get("reviews")) if isinstance(x, dict)]
    if any(lst(x.get("reviews")) for x in reviews):
        review_rows = []
        for x in reviews:
            lines = [
                t(
                    "report.review_line",
                    discipline=v.get("discipline_label") or "",
                    name=v.get("name") or "",
                    feasibility=v.get("feasibility_label") or r.DASH,
                    cost=v.get("cost_band_label") or r.DASH,
                    priority=v.get("priority_label") or r.DASH,
                    comment=f"。{v['comment']}" if v.get("comment") else "",
                )
                for v in lst(x.get("reviews"))
                if isinstance(v, dict)
            ]
            review_rows.append(
                [
                    Cell(str(x.get("title") or ""), desc=r.percent(x.get("support_share"))),
                    x.get("verdict_label"),
                    "\n".join(lines) or r.DASH,
                    "\n".join(str(s) for s in lst(x.get("statements"))) or r.DASH,
                ]
            )
        add(
            _table(
                [
                    Col(t("report.col.proposal"), width=22),
                    Col(t("report.col.residents"), width=13),
                    Col(t("report.col.professionals")),
                    Col(t("report.col.statement"), width=27),
                ],
                review_rows,
            )
        )
    else:
        add(Block("empty", t("report.no_reviews")))

    # 八、satisfaction
    add(Block("h2", t("report.h.satisfaction")))
    if satisfaction["responses"]:
        add(
            _table(
                [
                    Col(t("report.col.rating")),
                    Col(t("report.col.people"), "num", 20),
                    Col(t("report.col.share"), "num", 20),
                ],
                [
                    [row["label"], row["count"], r.percent(row["share"])]
                    for row in satisfaction["rows"]
                ],
                [t("report.responses"), satisfaction["responses"], "100.0%"],
            )
        )
    ratings = dict(r.SATISFACTION)
    comments = [
        m for m in lst(d(content.get("satisfaction")).get("comments")) if isinstance(m, dict)
    ]
    if comments:
        add(Block("h3", t("report.comments", count=len(comments))))
        add(
            Block(
                "list",
                items=[
                    t(
                        "report.comment",
                        text=m.get("text", ""),
                        rating=ratings.get(m.get("rating"), r.DASH),
                    )
                    for m in comments
                ],
            )
        )
    add(
        Block(
            "p",
            t(
                "report.satisfaction_rate",
                rate=rate_text,
                none="" if satisfaction["responses"] else t("report.satisfaction_none"),
            ),
        )
    )

    # 九、next steps and development goals
    add(Block("h2", t("report.h.next")))
    goals = [str(g) for g in lst(content.get("goals")) if str(g).strip()]
    findings = str(content.get("findings") or "").strip()
    recommendations = str(content.get("recommendations") or "").strip()
    followup = [f for f in lst(content.get("followup")) if isinstance(f, dict)]
    if goals:
        add(Block("h3", t("report.h3.goals")))
        add(Block("list", items=goals, ordered=True))
    if findings:
        add(Block("h3", t("report.h3.findings")))
        add(Block("p", findings))
    if recommendations:
        add(Block("h3", t("report.h3.recommendations")))
        add(Block("p", recommendations))
    if followup:
        add(Block("h3", t("report.h3.followup")))
        add(
            _table(
                [
                    Col(t("report.col.item")),
                    Col(t("report.col.status"), width=16),
                    Col(t("report.col.last"), width=36),
                ],
                [
                    [
                        f.get("title"),
                        f.get("status_label"),
                        " ".join(
                            x
                            for x in (
                                r.cn_date(f.get("last_date")) if f.get("last_date") else "",
                                str(f.get("last_note") or ""),
                            )
                            if x
                        ),
                    ]
                    for f in followup
                ],
            )
        )
    if not (goals or findings or recommendations or followup):
        add(Block("empty", t("report.no_next")))

    # 十、signatures
    add(Block("h2", t("report.h.signatures")))
    add(Block("note", t("report.sign_note")))
    add(
        Block(
            "signatures",
            items=[
                t("report.sign.committee") + " " + t("report.sign.seal"),
                t("report.sign.planner"),
                t("report.sign.street") + " " + t("report.sign.seal"),
            ],
        )
    )

    # 附一 method notes, 附二 inventory
    add(Block("h2", t("report.h.method")))
    notes = [
        t("report.method.support"),
        t("report.method.consensus"),
        t("report.method.satisfaction"),
        t("report.method.anonymous"),
        t("report.method.map"),
    ]
    audit = d(content.get("audit"))
    if audit:
        notes.append(
            t(
                "report.method.audit",
                chain=audit.get("vote_chain_head") or r.DASH,
                record=audit.get("record_hash") or r.DASH,
            )
        )
    notes.append(t("report.method.generated", at=view["generated_at"]))
    add(Block("list", items=notes, ordered=True))
    if assets["inventory"]:
        add(Block("pagebreak"))
        add(Block("h2", t("report.h.inventory")))
        for group in assets["inventory"]:
            add(
                Block(
                    "h3",
                    t("report.inventory_group", label=group["label"], count=len(group["entries"])),
                    swatch=colour_or_default(group["colour"]),
                )
            )
            add(Block("inventory", items=group["entries"]))

    kicker = " · ".join(x for x in (community["district"], community["street"]) if x)
    meta = [
        (
            t("report.meta.community"),
            community["name"] or r.DASH,
            t("report.meta.date"),
            workshop["date"],
        ),
        (
            t("report.meta.street"),
            community["street"] or r.DASH,
            t("report.meta.place"),
            workshop["place"] or r.DASH,
        ),
        (
            t("report.meta.district"),
            community["district"] or r.DASH,
            t("report.meta.time"),
            workshop["time_span"] or r.DASH,
        ),
    ]
    return Document(
        title=t("report.title"),
        community=community["name"],
        kicker=kicker,
        subtitle=workshop["title"],
        meta=meta,
        figures=[
            (str(participation["total"]), t("report.fig.participants")),
            (str(assets["total"]), t("report.fig.assets")),
            (str(len(raw_by_rank)), t("report.fig.proposals")),
            (rate_text, t("report.fig.satisfaction")),
        ],
        blocks=blocks,
        generated=t("report.generated", at=view["generated_at"]),
    )


__all__ = ["Block", "Cell", "Col", "Document", "asset_map_svg", "build"]
