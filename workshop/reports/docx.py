"""The consensus report as an editable Word file (.docx), from the same document model
as the PDF (`workshop.reports.model`), so both say the same thing.

Chinese needs the East-Asian font slot (w:eastAsia) set on every style and run, or Word
falls back to a Latin font; header rows repeat on every page (w:tblHeader) and rows do
not split across pages (w:cantSplit). The map figure is the PDF's SVG rasterised by
WeasyPrint's sibling, or left out when that fails: Word cannot show inline SVG reliably.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from functools import lru_cache

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from workshop.i18n import REPORT_LOCALE, use_locale
from workshop.reports import model

FONT = "Noto Sans SC"
EAST_ASIA = "Microsoft YaHei"  # what Word on a street-office PC has; Noto is named first
RED = RGBColor(0xA1, 0x1D, 0x21)
GREY = RGBColor(0x66, 0x66, 0x66)


def _font(
    run_or_style, *, size: float | None = None, bold: bool | None = None, colour=None
) -> None:  # type: ignore[no-untyped-def]
    font = run_or_style.font
    font.name = FONT
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)
    fonts.set(qn("w:eastAsia"), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


# Characters XML 1.0 cannot carry (python-docx would refuse the whole document).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _run(paragraph, text: str, **kw) -> None:  # type: ignore[no-untyped-def]
    lines = _NOT_XML.sub("\ufffd", text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, **kw)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _field(paragraph, code: str) -> None:  # type: ignore[no-untyped-def]
    """A PAGE / NUMPAGES field (Word fills it in when it lays out the pages)."""
    run = paragraph.add_run()
    _font(run, size=8.5, colour=GREY)
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _row_flags(row, *, header: bool) -> None:  # type: ignore[no-untyped-def]
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        el = OxmlElement("w:tblHeader")
        trpr.append(el)


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


ALIGN = {"num": WD_ALIGN_PARAGRAPH.RIGHT, "centre": WD_ALIGN_PARAGRAPH.CENTER}


def _table(doc, block: model.Block) -> None:  # type: ignore[no-untyped-def]
    rows = [block.cols, *block.rows] + ([block.foot] if block.foot else [])
    table = doc.add_table(rows=len(rows), cols=len(block.cols))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total_mm = 174
    fixed = sum(c.width or 0 for c in block.cols)
    free = [c for c in block.cols if not c.width]
    widths = [
        Mm(total_mm * (c.width or max(100 - fixed, 20) / max(len(free), 1)) / 100)
        for c in block.cols
    ]
    table.autofit = False
    for j, width in enumerate(widths):
        table.columns[j].width = width  # w:gridCol, which LibreOffice and Word lay out by
    for i, row_cells in enumerate(rows):
        row = table.rows[i]
        _row_flags(row, header=i == 0)
        for j, value in enumerate(row_cells):
            cell = row.cells[j]
            cell.width = widths[j]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            col = block.cols[j]
            if i == 0:
                _run(paragraph, value.text, size=9.5, bold=True)
                _shade(cell, "EFECE5")
                continue
            paragraph.alignment = ALIGN.get(col.align)
            bold = bool(block.foot) and i == len(rows) - 1
            if value.swatch:
                _run(paragraph, "● ", size=9.5, colour=RGBColor.from_string(_hex6(value.swatch)))
            _run(paragraph, value.text, size=9.5, bold=bold)
            if value.desc:
                extra = cell.add_paragraph()
                extra.paragraph_format.space_after = Pt(0)
                _run(extra, value.desc, size=8.5, colour=GREY)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _hex6(colour: str) -> str:
    c = colour.lstrip("#")
    return (c if len(c) == 6 else "".join(ch * 2 for ch in c)).upper()


@lru_cache(maxsize=1)
def _cjk_family() -> str:
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{family[0]}", "sans-serif:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            return out
    return "sans-serif"


def _figure_png(svg: str) -> bytes | None:
    """Rasterise the map figure with cairosvg; without it the DOCX keeps the caption only
    (the PDF always carries the figure)."""
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        svg_doc = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        # cairo takes one family name: ask fontconfig for a Chinese one (vendored Noto is
        # not installed system-wide; WenQuanYi or the like usually is).
        svg_doc = re.sub(r'font-family="[^"]*"', f'font-family="{_cjk_family()}"', svg_doc)
        return cairosvg.svg2png(bytestring=svg_doc.encode(), output_width=1360)
    except Exception:
        return None


def report_docx(content: dict) -> bytes:
    """Return the report as a .docx (A4, running header, page numbers, Chinese fonts).

    Like the PDF it is the street office's Chinese document, whatever the screen language."""
    with use_locale(REPORT_LOCALE):
        return _report_docx(content)


def _report_docx(content: dict) -> bytes:
    doc_model = model.build(content, for_pdf=True)
    doc = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    for name in (
        "Normal",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Title",
        "List Number",
        "List Bullet",
    ):
        style = doc.styles[name]
        _font(style)
    doc.styles["Normal"].font.size = Pt(10.5)
    _font(doc.styles["Heading 2"], size=13, bold=True, colour=RED)
    _font(doc.styles["Heading 3"], size=11, bold=True, colour=RGBColor(0x22, 0x22, 0x22))

    header = section.header.paragraphs[0]
    _run(header, f"{doc_model.community}　　{doc_model.title}", size=8.5, colour=GREY)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "第 ", size=8.5, colour=GREY)
    _field(footer, "PAGE")
    _run(footer, " 页 / 共 ", size=8.5, colour=GREY)
    _field(footer, "NUMPAGES")
    _run(footer, " 页", size=8.5, colour=GREY)

    for text, size, bold, colour in (
        (doc_model.kicker, 10, False, GREY),
        (doc_model.title, 21, True, RED),
        (doc_model.community, 13, True, None),
        (doc_model.subtitle or "", 9.5, False, GREY),
    ):
        if text:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(p, text, size=size, bold=bold, colour=colour)
    meta = model.Block(
        "table",
        cols=[
            model.Col("", width=12),
            model.Col("", width=38),
            model.Col("", width=12),
            model.Col("", width=38),
        ],
        rows=[[model.Cell(x) for x in row] for row in doc_model.meta],
    )
    _table(doc, meta)
    figures = model.Block(
        "table",
        cols=[model.Col(caption, "centre", 25) for _, caption in doc_model.figures],
        rows=[[model.Cell(value) for value, _ in doc_model.figures]],
    )
    _table(doc, figures)

    for block in doc_model.blocks:
        kind = block.kind
        if kind == "h2":
            _run(doc.add_heading(level=2), block.text, size=13, bold=True, colour=RED)
        elif kind == "h3":
            _run(doc.add_heading(level=3), block.text, size=11, bold=True)
        elif kind in ("p", "note", "empty"):
            p = doc.add_paragraph()
            _run(
                p,
                block.text,
                size=9.5 if kind != "p" else None,
                colour=GREY if kind != "p" else None,
            )
        elif kind == "table":
            _table(doc, block)
        elif kind == "figure":
            png = _figure_png(str(block.svg)) if block.svg else None
            if png:
                doc.add_picture(io.BytesIO(png), width=Mm(170))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(p, block.text, size=9, colour=GREY)
        elif kind == "list":
            # numbered by hand: Word's "List Number" would continue one list into the next
            for i, item in enumerate(block.items, 1):
                p = doc.add_paragraph()
                p.paragraph_format.left_indent = Mm(6)
                p.paragraph_format.first_line_indent = Mm(-6)
                p.paragraph_format.space_after = Pt(2)
                _run(p, (f"{i}. " if block.ordered else "• ") + item, size=9.5)
        elif kind == "signatures":
            table = doc.add_table(rows=3, cols=len(block.items))
            for j, org in enumerate(block.items):
                _run(table.rows[0].cells[j].paragraphs[0], org, bold=True)
                _run(
                    table.rows[1].cells[j].paragraphs[0],
                    "\n" + model.t("report.sign.signature") + "＿＿＿＿＿＿",
                )
                _run(table.rows[2].cells[j].paragraphs[0], "\n" + model.t("report.sign.date"))
            _row_flags(table.rows[0], header=False)
        elif kind == "inventory":
            for item in block.items:
                p = doc.add_paragraph()
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.left_indent = Mm(8)
                p.paragraph_format.first_line_indent = Mm(-8)
                _run(p, item, size=9.5)
        elif kind == "pagebreak":
            doc.add_page_break()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, doc_model.generated, size=8.5, colour=GREY)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
