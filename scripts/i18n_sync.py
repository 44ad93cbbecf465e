"""Keep the gettext catalogs complete.

    python scripts/i18n_sync.py            # report keys missing from either catalog
    python scripts/i18n_sync.py --fold     # fold workshop/messages/*.py dicts into the
                                           # catalogs and empty those dicts
    python scripts/i18n_sync.py --check    # exit 1 if anything is missing or mismatched

Keys used in code and templates are found with Babel's extractors (keywords `_`, `t` and
the DomainError classes, whose first argument is a message key).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop import i18n  # noqa: E402

KEYWORDS = {
    "_": None,
    "t": None,
    "DomainError": None,
    "Invalid": None,
    "NotFound": None,
    "Forbidden": None,
    "Conflict": None,
    "NotAuthenticated": None,
    "Busy": None,
}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
AREA_DOC = '"""Staged strings for the {name} area (folded into workshop/locale by i18n_sync)."""'


def po_path(locale: str) -> Path:
    return i18n.LOCALE_DIR / i18n.babel_name(locale) / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def read_catalog(locale: str) -> dict[str, str]:
    path = po_path(locale)
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def write_catalog(locale: str, texts: dict[str, str]) -> None:
    catalog = Catalog(
        locale=i18n.babel_name(locale),
        domain=i18n.DOMAIN,
        project="workshop",
        copyright_holder="the workshop authors",
        version="0.1.0",
        charset="utf-8",
        fuzzy=False,
    )
    for key in sorted(texts):
        catalog.add(key, texts[key])
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed dates keep the files stable across runs (no noise in diffs).
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True)
    # No .mo: workshop/i18n.py reads the .po in memory.


def area_modules() -> list:
    from workshop.messages import AREAS

    return [importlib.reload(a) for a in AREAS]


def fold() -> int:
    """Move every staged area dict into the catalogs; return how many strings moved."""
    moved = 0
    catalogs = {loc: read_catalog(loc) for loc in i18n.LOCALES}
    areas = area_modules()
    for area in areas:
        for loc in i18n.LOCALES:
            staged = i18n._staged(area, loc)
            catalogs[loc].update(staged)
            moved += len(staged)
    # Write the catalogs first: only then empty the area files.
    for loc, texts in catalogs.items():
        write_catalog(loc, texts)
    for area in areas:
        path = Path(area.__file__)
        path.write_text(
            AREA_DOC.format(name=path.stem) + "\n\n"
            "ZH_CN: dict[str, str] = {}\n"
            "EN: dict[str, str] = {}\n"
            "LABELS: dict[str, dict[str, str]] = {}\n"
            "EN_LABELS: dict[str, dict[str, str]] = {}\n",
            encoding="utf-8",
        )
    return moved


def used_keys() -> dict[str, list[str]]:
    """Literal message keys used in code and templates -> where."""
    found: dict[str, list[str]] = {}
    sources = [
        (ROOT / "workshop", [("**.py", "python")]),
        (ROOT / "templates", [("**.html", "jinja2")]),
    ]
    for folder, methods in sources:
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            str(folder), method_map=methods, keywords=KEYWORDS, comment_tags=()
        ):
            key = message[0] if isinstance(message, tuple) else message
            if not key or "." not in key or " " in key:
                continue
            found.setdefault(key, []).append(f"{folder.name}/{filename}:{lineno}")
    return found


def _joined(key: str, known: dict[str, str]) -> bool:
    """Babel joins adjacent literals: `t("a.b" if x else "c.d")` reads as "a.bc.d"."""
    return any(key[:i] in known and key[i:] in known for i in range(1, len(key)))


def problems() -> list[str]:
    i18n.reload()
    out = []
    zh, en = i18n.MESSAGES["zh-CN"], i18n.MESSAGES["en"]
    for key, where in sorted(used_keys().items()):
        if key not in zh and _joined(key, zh):
            continue
        for loc, cat in (("zh-CN", zh), ("en", en)):
            if not cat.get(key):
                out.append(f"missing in {loc}: {key} ({where[0]})")
    for key in sorted(set(zh) | set(en)):
        if not zh.get(key) or not en.get(key):
            out.append(f"not in both catalogs: {key}")
        elif i18n.placeholders(zh[key]) != i18n.placeholders(en[key]):
            out.append(f"placeholders differ: {key}")
    return sorted(set(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", action="store_true", help="fold staged area dicts")
    parser.add_argument("--check", action="store_true", help="exit 1 on any problem")
    args = parser.parse_args(argv)
    if args.fold:
        print(f"folded {fold()} strings into {i18n.LOCALE_DIR}")
    found = problems()
    for line in found:
        print(line)
    zh = len(i18n.MESSAGES["zh-CN"])
    print(f"{zh} keys zh-CN, {len(i18n.MESSAGES['en'])} en, {len(found)} problems")
    return 1 if (args.check and found) else 0


if __name__ == "__main__":
    raise SystemExit(main())
