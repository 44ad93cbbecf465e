"""The report's document model, built from a record's content.

`build(content, for_pdf=...)` returns a `Document` (cover fields, headline figures and a
list of blocks). Each section of the report has its own builder in
`workshop.reports.sections`; the HTML/PDF template (`render`) and the DOCX writer
(`docx`) both walk the blocks and print their text as given, so the two formats can never
disagree. Numbers, verdict words and rule sentences come from `workshop.outcome`, as on
the record page and in the exports; wording is the report's zh-CN catalog text.

Imports run one way: sections → blocks/view → outcome; render and docx → model.
"""

from __future__ import annotations

from workshop.i18n import REPORT_LOCALE, use_locale
from workshop.outcome import DASH
from workshop.reports.blocks import Block, Cell, Col, Document, t
from workshop.reports.figure import asset_map_svg
from workshop.reports.sections import SECTIONS
from workshop.reports.sections.closing import rate_text
from workshop.reports.sections.votes import ranked
from workshop.reports.view import d, lst, view


def build(content: dict, *, for_pdf: bool = False) -> Document:
    with use_locale(REPORT_LOCALE):
        return _build(content, for_pdf=for_pdf)


def _build(content: dict, *, for_pdf: bool) -> Document:
    v = view(content, for_pdf=for_pdf)
    blocks = [block for section in SECTIONS for block in section(content, v)]
    community, workshop = v["community"], v["workshop"]
    kicker = " · ".join(x for x in (community["district"], community["street"]) if x)
    meta = [
        (
            t("report.meta.community"),
            community["name"] or DASH,
            t("report.meta.date"),
            workshop["date"],
        ),
        (
            t("report.meta.street"),
            community["street"] or DASH,
            t("report.meta.place"),
            workshop["place"] or DASH,
        ),
        (
            t("report.meta.district"),
            community["district"] or DASH,
            t("report.meta.time"),
            workshop["time_span"] or DASH,
        ),
    ]
    return Document(
        title=t("report.title"),
        community=community["name"],
        kicker=kicker,
        subtitle=workshop["title"],
        meta=meta,
        figures=[
            (str(v["participation"]["total"]), t("report.fig.participants")),
            (str(v["assets"]["total"]), t("report.fig.assets")),
            (str(len(ranked(content))), t("report.fig.proposals")),
            (rate_text(v), t("report.fig.satisfaction")),
        ],
        blocks=blocks,
        generated=t("report.generated", at=v["generated_at"]),
        keep=group_names(content, v),
    )


def group_names(content: dict, v: dict) -> list[str]:
    """Every resident group the report names (participation, representativeness, dissent)."""
    names = {g["group"] for g in v["participation"]["groups"]}
    names |= {
        str(g.get("group"))
        for g in lst(d(content.get("representativeness")).get("groups"))
        if isinstance(g, dict) and g.get("group")
    }
    for p in ranked(content):
        for key in ("dissenting_groups", "under_represented_groups"):
            names |= {str(g) for g in lst(p.get(key)) if g}
    return sorted(names)


__all__ = ["Block", "Cell", "Col", "Document", "asset_map_svg", "build", "t"]
