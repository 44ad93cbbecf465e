"""The printable A4 sheet of ballot cards (WeasyPrint, the vendored Noto Sans SC font,
segno QR codes as inline SVG): 8 cards a page, 2 × 4, with dashed cut lines."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno

from workshop.ballots.cards import pretty
from workshop.ballots.models import BallotCard
from workshop.config import TEMPLATES_DIR
from workshop.templating import templates
from workshop.workshops.models import Workshop

ROOT = TEMPLATES_DIR.parent
FONT = ROOT / "static" / "fonts" / "NotoSansSC-Regular.ttf"
FONT_BOLD = ROOT / "static" / "fonts" / "NotoSansSC-Bold.ttf"
CARDS_PER_PAGE = 8


def _allowed(url: str) -> None:
    parts = urlsplit(url)
    path = Path(url2pathname(parts.path)).resolve()
    if parts.scheme != "file" or path not in (FONT.resolve(), FONT_BOLD.resolve()):
        raise ValueError(f"card sheet may not load {url!r}")


@lru_cache(maxsize=1)
def _weasyprint() -> tuple[Any, Any, Any]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*FontConfig.*", category=UserWarning)
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint ≥ 68

        class FontsOnly(weasyprint.URLFetcher):
            def fetch(self, url: str, headers: Any = None) -> Any:
                _allowed(url)
                return super().fetch(url, headers)

        def fetcher() -> Any:
            return FontsOnly(allowed_protocols=("file",))

    else:

        def fetcher() -> Any:
            def fonts_only(url: str, *args: Any, **kwargs: Any) -> Any:
                _allowed(url)
                return weasyprint.default_url_fetcher(url, *args, **kwargs)

            return fonts_only

    return weasyprint.HTML, FontConfiguration, fetcher


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def cards_html(workshop: Workshop, cards: list[BallotCard], base_url: str) -> str:
    items = [
        {
            "number": c.number,
            "code": pretty(c.code),
            "group": c.group,
            "status": c.status,
            "qr": qr_svg(f"{base_url}/c/{c.code}"),
        }
        for c in cards
    ]
    pages = [items[i : i + CARDS_PER_PAGE] for i in range(0, len(items), CARDS_PER_PAGE)]
    return templates.env.get_template("ballots/cards_pdf.html").render(
        workshop=workshop,
        pages=pages,
        join_url=f"{base_url}/join",
        fonts={400: FONT.as_uri(), 700: FONT_BOLD.as_uri()},
    )


def cards_pdf(workshop: Workshop, cards: list[BallotCard], base_url: str) -> bytes:
    html_class, font_configuration, fetcher = _weasyprint()
    html = html_class(
        string=cards_html(workshop, cards, base_url), base_url=str(ROOT), url_fetcher=fetcher()
    )
    return html.write_pdf(font_config=font_configuration())
