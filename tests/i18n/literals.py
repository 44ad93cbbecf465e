"""Find user-visible literal text in Jinja templates (used by the test and the sync script)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
WORDY = re.compile(r"[A-Za-z\u3400-\u9fff]")
VISIBLE_ATTRS = {
    "title",
    "placeholder",
    "aria-label",
    "alt",
    "aria-description",
    "hx-confirm",
    "data-confirm",
    "label",
}
# Blocks whose text is a class name, not words: {% block body_class %}tablet{% endblock %}
NOT_TEXT = re.compile(r"(\{%-?\s*block\s+body_class\s*-?%\}).*?(\{%-?\s*endblock)", re.S)
# Brand names, units and symbols that read the same in every language.
ALLOWED = {
    "GeoJSON",
    "QR",
    "PDF",
    "DOCX",
    "XLSX",
    "CSV",
    "HTML",
    "OpenStreetMap",
    "Leaflet",
    "OSM",
    "km",
    "m",
    "MB",
    "×",
    "+1",
    "A+",  # the large-text button's icon (its words come from a message)
    "ID",
    "N",  # dot voting: N dots per person, at most k per proposal
    "k",
    "WGS-84",
}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        names = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRS or (
                name == "value"
                and (tag == "button" or names.get("type") in ("submit", "button", "reset"))
            )
            if visible and value:
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        for word in re.split(r"[\s/·:：,，()（）|—–-]+", text.strip()):
            if word and WORDY.search(word) and word not in ALLOWED:
                self.found.append((self.getpos()[0], text.strip()))
                return


def literals(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of each untranslated literal in a template source."""
    source = NOT_TEXT.sub(lambda m: m.group(1) + m.group(2), source)
    blanked = JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    finder = _Finder()
    finder.feed(blanked)
    finder.close()
    return finder.found


def scan(root: Path) -> dict[str, list[tuple[int, str]]]:
    out = {}
    for path in sorted(root.rglob("*.html")):
        hits = literals(path.read_text(encoding="utf-8"))
        if hits:
            out[str(path.relative_to(root))] = hits
    return out
