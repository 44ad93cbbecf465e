"""Every user-facing string through gettext catalogs (Babel): zh-CN first, English second.

Message ids are stable keys (`login.title`, `label.asset_class.ecological`); the text per
locale lives in `workshop/locale/<locale>/LC_MESSAGES/messages.po`, read with Babel into a
`babel.support.Translations` in memory at import. Nothing is ever written into the
package directory (an installed package may be read-only), and no `.mo` is shipped or
tracked: a `.mo` is used only when its `.po` is absent.

`t(key, **params)` formats a message in the current request's locale (a contextvar set by
`LocaleMiddleware`); `label(kind, value)` names a domain value (key `label.<kind>.<value>`).
`scripts/i18n_sync.py --check` finds keys used in code and templates missing from either
catalog.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel.messages.catalog import Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")
# Documents for the street office (consensus report, PDF, DOCX, the stored assessment
# content they are built from) are always Chinese, whatever language the UI is in.
REPORT_LOCALE = "zh-CN"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("workshop_locale", default=DEFAULT_LOCALE)


def babel_name(locale: str) -> str:
    """`zh-CN` -> `zh_CN` (the directory and Babel name)."""
    return locale.replace("-", "_")


def normalise(value: str | None) -> str | None:
    """Map a user/browser language tag to a supported locale, or None."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def _texts(messages: Iterable[Message]) -> dict[str, str]:
    """Return key -> text of the translated singular messages (the catalogs have no
    plurals; a plural's id and string are tuples and are left out)."""
    texts: dict[str, str] = {}
    for message in messages:
        key, text = message.id, message.string
        if isinstance(key, str) and key and isinstance(text, str) and text:
            texts[key] = text
    return texts


def load_translations(locale: str) -> tuple[Translations, dict[str, str]]:
    """Return one locale's `Translations` and its key -> text, read from the `.po` in
    memory (no file is written); a lone `.mo` is read as it is. Empty when neither."""
    folder = LOCALE_DIR / babel_name(locale) / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=babel_name(locale), domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN), _texts(catalog)
    if mo.exists():
        with mo.open("rb") as fh:
            translations = Translations(fh, domain=DOMAIN)
        with mo.open("rb") as fh:
            texts = _texts(read_mo(fh))
        return translations, texts
    return Translations(domain=DOMAIN), {}


def load_catalog(locale: str) -> dict[str, str]:
    """Return key -> text for one locale (see `load_translations`)."""
    return load_translations(locale)[1]


TRANSLATIONS: dict[str, Translations] = {}
MESSAGES: dict[str, dict[str, str]] = {}


def reload() -> None:
    """(Re)load the catalogs (after a change to the `.po` files, or in tests)."""
    for locale in LOCALES:
        TRANSLATIONS[locale], MESSAGES[locale] = load_translations(locale)


reload()


def get_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> Any:
    """Set the current locale; returns a token for `reset_locale`."""
    return _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def reset_locale(token: Any) -> None:
    _current.reset(token)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Run a block in one locale (reports: `use_locale(REPORT_LOCALE)`)."""
    token = set_locale(locale)
    try:
        yield
    finally:
        reset_locale(token)


def t(key: str, locale: str | None = None, **params: Any) -> str:
    """Return the message for `key`, formatted; zh-CN if the locale lacks it; else the key."""
    catalog = MESSAGES.get(locale or _current.get()) or MESSAGES[DEFAULT_LOCALE]
    text = catalog.get(key) or MESSAGES[DEFAULT_LOCALE].get(key, key)
    return text.format(**params) if params else text


def label(kind: str, value: str, locale: str | None = None) -> str:
    """Name a domain value (`label("asset_class", "ecological")`); the value if unknown."""
    key = f"label.{kind}.{value}"
    text = t(key, locale)
    return value if text == key else text


def labels(kind: str, locale: str | None = None) -> dict[str, str]:
    """All values of one kind -> their names, in catalog order."""
    prefix = f"label.{kind}."
    return {
        k[len(prefix) :]: t(k, locale) for k in MESSAGES[DEFAULT_LOCALE] if k.startswith(prefix)
    }


PLACEHOLDER = re.compile(r"\{(\w+)[^{}]*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))
