"""The consensus report as an editable Word file (.docx), from the same document model
as the PDF (`workshop.reports.model`), so both say the same thing.

Chinese needs the East-Asian font slot (w:eastAsia) set on every style and run, or Word
falls back to a Latin font. The fonts are ones every Windows (Vista and later) and WPS
install: 微软雅黑 (Microsoft YaHei) for text, 黑体 (SimHei) for the title and headings.
The font table (word/fontTable.xml) declares them and 宋体 (SimSun) with their Chinese
names, the GB2312 character set and PANOSE numbers, which is what Word and WPS use to
pick the nearest installed font on a machine that lacks one (python-docx's template
declares a Japanese ＭＳ 明朝 instead). The document's language is zh-CN. Header rows
repeat on every page (w:tblHeader), a table without header text gets no header row, and
rows do not split across pages (w:cantSplit). The map figure is the PDF's SVG rasterised
by cairosvg, or left out when that fails: Word cannot show inline SVG reliably.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from functools import lru_cache
from typing import TYPE_CHECKING

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from workshop.i18n import REPORT_LOCALE, use_locale
from workshop.reports import model

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.styles.style import CharacterStyle
    from docx.table import _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

FONT = "Microsoft YaHei"  # 微软雅黑: text (Latin and Chinese)
HEADING_FONT = "SimHei"  # 黑体: title and headings
LANGUAGE = "zh-CN"
# name, Chinese name, PANOSE-1, family: what Word/WPS match a missing font against.
FONT_TABLE = (
    ("Microsoft YaHei", "微软雅黑", "020B0503020204020204", "swiss"),
    ("SimHei", "黑体", "02010609060101010101", "modern"),
    ("SimSun", "宋体", "02010600030101010101", "auto"),
    ("Times New Roman", "", "02020603050405020304", "roman"),
)
RED = RGBColor(0xA1, 0x1D, 0x21)
GREY = RGBColor(0x66, 0x66, 0x66)


def _set_fonts(rpr: BaseOxmlElement, family: str) -> None:
    """Name `family` in every font slot of a w:rPr; quotes and dashes as East Asian."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):  # drop theme fonts: they point at the template's
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), family)
    fonts.set(qn("w:hint"), "eastAsia")


def _font(
    run_or_style: Run | CharacterStyle,
    *,
    size: float | None = None,
    bold: bool | None = None,
    colour: RGBColor | None = None,
    family: str = FONT,
) -> None:
    font = run_or_style.font
    _set_fonts(run_or_style.element.get_or_add_rPr(), family)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


# Characters XML 1.0 cannot carry (python-docx would refuse the whole document).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float | None = None,
    bold: bool | None = None,
    colour: RGBColor | None = None,
    family: str = FONT,
) -> None:
    lines = _NOT_XML.sub("\ufffd", text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, size=size, bold=bold, colour=colour, family=family)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _field(paragraph: Paragraph, code: str) -> None:
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


def _row_flags(row: _Row, *, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        el = OxmlElement("w:tblHeader")
        trpr.append(el)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


ALIGN = {"num": WD_ALIGN_PARAGRAPH.RIGHT, "centre": WD_ALIGN_PARAGRAPH.CENTER}


def _table(doc: WordDocument, block: model.Block) -> None:
    has_header = any(c.text for c in block.cols)  # no empty shaded row on every page
    header_row = [model.Cell(c.text) for c in block.cols]
    rows = ([header_row] if has_header else []) + block.rows + ([block.foot] if block.foot else [])
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
        is_header = has_header and i == 0
        _row_flags(row, header=is_header)
        for j, value in enumerate(row_cells):
            cell = row.cells[j]
            cell.width = widths[j]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            col = block.cols[j]
            if is_header:
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
        import cairosvg
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


def _chinese_defaults(doc: WordDocument) -> None:
    """Language zh-CN and Chinese fonts by default; a font table Word and WPS can match."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
        theme_lang.set(qn("w:eastAsia"), LANGUAGE)
    doc.core_properties.language = LANGUAGE
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            part._blob = _font_table()


def _font_table() -> bytes:
    entries = []
    for name, alt, panose, family in FONT_TABLE:
        chinese = bool(alt)
        entries.append(
            f'<w:font w:name="{name}">'
            + (f'<w:altName w:val="{alt}"/>' if alt else "")
            + f'<w:panose1 w:val="{panose}"/>'
            + f'<w:charset w:val="{"86" if chinese else "00"}"/>'
            + f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(entries)
        + "</w:fonts>"
    ).encode("utf-8")


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
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        _font(doc.styles[name], family=HEADING_FONT)
    _font(doc.styles["Heading 2"], size=13, bold=True, colour=RED, family=HEADING_FONT)
    _font(
        doc.styles["Heading 3"],
        size=11,
        bold=True,
        colour=RGBColor(0x22, 0x22, 0x22),
        family=HEADING_FONT,
    )
    _chinese_defaults(doc)

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
            family = HEADING_FONT if text == doc_model.title else FONT
            _run(p, text, size=size, bold=bold, colour=colour, family=family)
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
            heading = doc.add_heading(level=2)
            _run(heading, block.text, size=13, bold=True, colour=RED, family=HEADING_FONT)
        elif kind == "h3":
            _run(doc.add_heading(level=3), block.text, size=11, bold=True, family=HEADING_FONT)
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
        elif kind == "anchor":  # record hash and key fingerprint (the QR is in the PDF)
            for line in [block.text, *block.items]:
                _run(doc.add_paragraph(), line, size=9)
        elif kind == "pagebreak":
            doc.add_page_break()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, doc_model.generated, size=8.5, colour=GREY)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
