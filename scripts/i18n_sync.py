"""Keep the gettext catalogs complete.

    python scripts/i18n_sync.py            # report keys missing from either catalog
    python scripts/i18n_sync.py --check    # exit 1 if anything is missing or mismatched

Keys used in code and templates are found with Babel's extractors (keywords `_`, `t` and
the DomainError classes, whose first argument is a message key).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

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
    parser.add_argument("--check", action="store_true", help="exit 1 on any problem")
    args = parser.parse_args(argv)
    found = problems()
    for line in found:
        print(line)
    zh = len(i18n.MESSAGES["zh-CN"])
    print(f"{zh} keys zh-CN, {len(i18n.MESSAGES['en'])} en, {len(found)} problems")
    return 1 if (args.check and found) else 0


if __name__ == "__main__":
    raise SystemExit(main())
