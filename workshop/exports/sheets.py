"""Write tables as CSV and XLSX a clerk can use, with the value's type deciding its form.

- `Share` (a float 0–1): "66.7%" in CSV (the one formatter, `workshop.outcome.percent`);
  a number formatted `0.0%` in XLSX, which Excel shows the same way.
- an aware `datetime`: China time with its offset in CSV ("2026-12-03T11:04:18+08:00");
  a typed Excel date-time in China time in XLSX (Excel has no time zones; the header says
  北京时间). A `date`: ISO text in CSV, a typed Excel date in XLSX.
- `bool`: 是/否 (Yes/No) in the current language.
- text: in CSV a leading = + - @ tab or CR gets an apostrophe (formula injection); in XLSX
  it is written as a string cell (never a formula) with Excel's quote-prefix flag, so no
  apostrophe shows; characters a worksheet cannot hold become U+FFFD.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workshop.i18n import t
from workshop.outcome import percent

CHINA_TZ = timezone(timedelta(hours=8))  # one zone, no DST
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
SHARE_FORMAT = "0.0%"


class Share(float):
    """A share (0–1) shown as a percentage."""


def defuse(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def china_time(value: datetime) -> datetime:
    """An aware moment in China time (a naive one is taken as UTC, as stored)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA_TZ)


def text_value(value: Any) -> Any:
    """The value as CSV and GeoJSON carry it (JSON-safe, typed where JSON has types)."""
    if isinstance(value, datetime):
        return china_time(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("export.yes" if value else "export.no")
    if isinstance(value, Share):
        return percent(value)
    return defuse(text_value(value))


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV with a UTF-8 BOM (Excel on Windows then reads the Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if isinstance(value, bool):
        value = t("export.yes" if value else "export.no")
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=china_time(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Share):
        cell = WriteOnlyCell(sheet, value=round(float(value), 4))
        cell.number_format = SHARE_FORMAT
    elif isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(sheet, value=value)
    return cell


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 19
    if isinstance(value, (date, Share)):
        return 10
    text = str(value if value is not None else "")
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """One worksheet per (title, header, rows): bold frozen header, typed cells."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        for i, name in enumerate(header):
            widest = max([_width(name)] + [_width(r[i]) for r in rows[:500]])
            sheet.column_dimensions[get_column_letter(i + 1)].width = min(widest + 2, 60)
        heads = []
        for name in header:
            cell = _xlsx_cell(sheet, name)
            cell.font = Font(bold=True)
            heads.append(cell)
        sheet.append(heads)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
