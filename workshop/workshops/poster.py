"""The printable join poster: an A4 PDF with the QR code, the join code, the URL, 3 steps.

Its language is chosen on the poster link (Chinese, English or both), not taken from the
planner's screen: the poster speaks to the residents at the door.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from markupsafe import Markup

from workshop.errors import Invalid
from workshop.i18n import t
from workshop.reports.render import FONT_FILES, _weasyprint

# The poster link's `language` values, each the locales printed, first one largest.
POSTER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "zh-CN": ("zh-CN",),
    "en": ("en",),
    "both": ("zh-CN", "en"),
}


@dataclass(frozen=True)
class Poster:
    title: str
    community: str
    join_code: str
    join_url: str


def qr_svg(url: str) -> Markup:
    """The join URL as an inline SVG QR code (WeasyPrint draws inline SVG natively)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=10, border=2, xmldecl=False, svgns=True, unit="mm"
    )
    return Markup(buffer.getvalue().decode("utf-8"))  # produced by segno, not user text


def poster_locales(language: str) -> tuple[str, ...]:
    """Return the locales a poster prints for the link's `language` (zh-CN, en, both)."""
    try:
        return POSTER_LANGUAGES[language]
    except KeyError:
        raise Invalid("ux.poster.language") from None


def poster_html(poster: Poster, language: str = "zh-CN") -> str:
    from workshop.templating import templates

    locales = poster_locales(language)
    fonts = [{"weight": w, "url": p.as_uri()} for w, p in sorted(FONT_FILES.items()) if p.is_file()]
    return templates.env.get_template("workshops/poster.html").render(
        poster=poster,
        qr=qr_svg(poster.join_url),
        font_faces=fonts,
        locales=locales,
        lang_attr=locales[0],
        say=lambda key: [t(key, locale) for locale in locales],
    )


def poster_pdf(poster: Poster, language: str = "zh-CN") -> bytes:
    """Return the poster as a one-page A4 PDF with the vendored Noto Sans SC embedded."""
    html_class, font_configuration, fetcher = _weasyprint()
    fonts = font_configuration()
    html = html_class(string=poster_html(poster, language), url_fetcher=fetcher())
    return html.write_pdf(font_config=fonts)
