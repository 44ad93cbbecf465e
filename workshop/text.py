"""Text from users, cleaned at the edge: one rule for names, nicknames, titles, descriptions.

Everything residents type is shown on a shared projector and goes into the exports, so
characters that draw nothing or change what is drawn are taken out:
- NUL is refused with a message (PostgreSQL cannot store it, SQLite would keep it silently);
- other C0/C1 control characters (BEL, ESC, DEL, …), bidirectional overrides and isolates
  (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), the BOM/zero-width no-break space
  and lone surrogates are removed;
- single-line text (names, titles) turns tabs and line breaks into spaces; multi-line
  text (descriptions) keeps tabs and newlines, with CR LF and CR made LF.

`CleanLine` and `CleanText` are the same rules as Pydantic types for FastAPI parameters.
A last net at the persistence edge refuses any NUL in a text column of a row about to be
flushed (`refuse_nul`), whichever route or command wrote it, on both databases.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import chain
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from workshop.errors import Invalid

_DROP = (
    "\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 except TAB LF CR, DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"  # bidi marks, overrides, BOM
    "\ud800-\udfff"  # lone surrogates (from JSON \\ud800 escapes)
)
_DROP_RE = re.compile(f"[{_DROP}]")
_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029\x85]")


def clean_line(value: str) -> str:
    """Single-line text without control characters, trimmed; Invalid on NUL."""
    if "\x00" in value:
        raise Invalid("text.nul")
    return _DROP_RE.sub("", _LINE_BREAKS.sub(" ", value)).strip()


def clean_text(value: str) -> str:
    """Multi-line text without control characters (tabs and newlines kept), trimmed."""
    if "\x00" in value:
        raise Invalid("text.nul")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _DROP_RE.sub("", value).strip()


FIRST_YEAR, LAST_YEAR = 1900, 2100


def check_date(day: date) -> date:
    """A date a meeting or a task can have: years 1900 to 2100, else Invalid."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid("field.date_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
    return day


def _line(value: str) -> str:
    return clean_line(value)


def _text(value: str) -> str:
    return clean_text(value)


CleanLine = Annotated[str, AfterValidator(_line)]
CleanText = Annotated[str, AfterValidator(_text)]


_TEXT_KEYS: dict[type, tuple[str, ...]] = {}


def _text_keys(cls: type) -> tuple[str, ...]:
    """The attribute names of a mapped class's text columns (found once per class)."""
    keys = _TEXT_KEYS.get(cls)
    if keys is None:
        mapper: Any = inspect(cls)
        keys = tuple(
            attr.key
            for attr in mapper.column_attrs
            if any(isinstance(col.type, String) for col in attr.columns)
        )
        _TEXT_KEYS[cls] = keys
    return keys


def refuse_nul(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush: Invalid("text.nul") when a new or changed row has NUL in a text."""
    for obj in chain(session.new, session.dirty):
        values = obj.__dict__
        for key in _text_keys(type(obj)):
            value = values.get(key)
            if isinstance(value, str) and "\x00" in value:
                raise Invalid("text.nul")


if not event.contains(Session, "before_flush", refuse_nul):
    event.listen(Session, "before_flush", refuse_nul)
