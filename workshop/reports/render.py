"""The consensus report (社区议事协商结果报告) for the street office, as HTML and PDF.

Input is the plain content dict of an assessment record (see
`workshop.assessments.service.build_content`); nothing here touches the database.

- `report_html(content)` is the self-contained page a planner downloads: inline CSS, an
  inline SVG map, no URL to any other host (it names the CJK fonts a reader's system
  probably has).
- `report_pdf(content)` renders the same template with `for_pdf=True` through WeasyPrint:
  A4, running header, "第 N 页 / 共 M 页", and the vendored Noto Sans SC loaded from
  static/fonts by a file:// URL, so Chinese shows on a machine with no CJK font at all.
  WeasyPrint may read only those font files: every other URL is refused.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from workshop.i18n import REPORT_LOCALE, use_locale
from workshop.outcome import DASH, percent
from workshop.reports import model
from workshop.reports.view import HTML_FONT_STACK, PDF_FONT_STACK

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
FONT_DIR = ROOT / "static" / "fonts"
FONT_FILES = {400: FONT_DIR / "NotoSansSC-Regular.ttf", 700: FONT_DIR / "NotoSansSC-Bold.ttf"}


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = percent
    env.filters["nobr"] = nobr
    env.filters["or_dash"] = lambda v: DASH if v is None or v == "" else v
    return env


def keep_pattern(words: list[str]) -> re.Pattern[str] | None:
    """A pattern matching any of `words` (escaped, longest first), or None."""
    names = sorted({str(escape(w)) for w in words if len(w) > 1}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))) if names else None


def nobr(text: object, pattern: re.Pattern[str] | None) -> Markup:
    """Escape `text` and wrap each kept word in a span no line may break inside."""
    escaped = escape(text)
    if pattern is None:
        return escaped
    return Markup(pattern.sub(lambda m: f'<span class="nobr">{m.group(0)}</span>', escaped))


def report_html(content: dict, *, for_pdf: bool = False) -> str:
    """Return the report as one self-contained HTML page (for_pdf: the WeasyPrint flavour).

    The report is for the street office: it is rendered in Chinese (REPORT_LOCALE) whatever
    the language of the screen that asked for it."""
    font_stack = PDF_FONT_STACK if for_pdf else HTML_FONT_STACK
    with use_locale(REPORT_LOCALE):
        doc = model.build(content, for_pdf=for_pdf)
        return (
            _env()
            .get_template("reports/consensus.html")
            .render(
                doc=doc,
                keep=keep_pattern(doc.keep),
                for_pdf=for_pdf,
                font_stack=Markup(font_stack),
                font_faces=[
                    {"weight": w, "url": p.as_uri()}
                    for w, p in sorted(FONT_FILES.items())
                    if for_pdf and p.is_file()
                ],
                sign_label=model.t("report.sign.signature"),
                sign_date=model.t("report.sign.date"),
            )
        )


def _check_font_url(url: str) -> None:
    """Allow the vendored font files and nothing else: no network, no other file, ever."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"report may not load {url!r}")
    path = Path(url2pathname(parts.path)).resolve()
    if path not in {p.resolve() for p in FONT_FILES.values()}:
        raise ValueError(f"report may not load {url!r}")


@lru_cache(maxsize=1)
def _weasyprint() -> tuple[Any, Any, Any]:
    """Import WeasyPrint once; return (HTML, FontConfiguration, a fonts-only URL fetcher).

    On a machine with no system font at all WeasyPrint warns "No fonts configured in
    FontConfig" when imported; the report brings its own font, so that warning is noise.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*FontConfig.*", category=UserWarning)
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint ≥ 68: a fetcher class

        class FontsOnly(weasyprint.URLFetcher):
            def fetch(self, url: str, headers: Any = None) -> Any:
                _check_font_url(url)
                return super().fetch(url, headers)

        def fetcher() -> Any:
            return FontsOnly(allowed_protocols=("file",))

    else:  # WeasyPrint < 68: a function
        default = weasyprint.default_url_fetcher

        def fonts_only(url: str, *args: Any, **kwargs: Any) -> Any:
            _check_font_url(url)
            return default(url, *args, **kwargs)

        def fetcher() -> Any:
            return fonts_only

    return weasyprint.HTML, FontConfiguration, fetcher


def report_pdf(content: dict) -> bytes:
    """Return the report as an A4 PDF with the vendored Chinese font embedded."""
    html_class, font_configuration, fetcher = _weasyprint()
    html = html_class(
        string=report_html(content, for_pdf=True),
        base_url=str(ROOT),
        url_fetcher=fetcher(),
    )
    return html.write_pdf(font_config=font_configuration())
