"""The printable join poster: an A4 PDF with the QR code, the join code, the URL, 3 steps."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from markupsafe import Markup

from workshop.reports.render import FONT_FILES, _weasyprint


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


def poster_html(poster: Poster) -> str:
    from workshop.templating import templates

    fonts = [{"weight": w, "url": p.as_uri()} for w, p in sorted(FONT_FILES.items()) if p.is_file()]
    return templates.env.get_template("workshops/poster.html").render(
        poster=poster, qr=qr_svg(poster.join_url), font_faces=fonts
    )


def poster_pdf(poster: Poster) -> bytes:
    """Return the poster as a one-page A4 PDF with the vendored Noto Sans SC embedded."""
    html_class, font_configuration, fetcher = _weasyprint()
    fonts = font_configuration()
    html = html_class(string=poster_html(poster), url_fetcher=fetcher())
    return html.write_pdf(font_config=fonts)
