"""The report's document model: blocks of text, tables and figures, and small makers.

A `Document` is a cover (title, community, meta lines, headline figures) and a list of
`Block`s. The HTML/PDF template and the DOCX writer both walk these blocks and print
their text as given, so the two formats cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from workshop.i18n import REPORT_LOCALE
from workshop.i18n import t as translate
from workshop.outcome import DASH


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
    kind: str  # h2, h3, p, note, empty, table, figure, list, signatures, inventory, pagebreak,
    # anchor (record hash + key fingerprint, text and QR: workshop.reports.anchor)
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
    # Names (resident groups) a line must never break inside: 中青年居民, not 中青年居/民.
    keep: list[str] = field(default_factory=list)


def cell(value: Any, **kw: Any) -> Cell:
    return Cell(text=DASH if value is None or value == "" else str(value), **kw)


def table(cols: list[Col], rows: list[list[Any]], foot: list[Any] | None = None) -> Block:
    """A table; columns without a width share what the others leave (a fixed-layout table
    in WeasyPrint would otherwise give them less)."""

    def as_cell(v: Any) -> Cell:
        return v if isinstance(v, Cell) else cell(v)

    fixed = sum(c.width or 0 for c in cols)
    free = [c for c in cols if not c.width]
    if fixed and free:
        share = max(100 - fixed, 10 * len(free)) // len(free)
        cols = [c if c.width else Col(c.text, c.align, share) for c in cols]
    return Block(
        "table",
        cols=cols,
        rows=[[as_cell(v) for v in row] for row in rows],
        foot=[as_cell(v) for v in foot or []],
    )


def num(value: Any) -> str:
    return DASH if value is None else str(value)
