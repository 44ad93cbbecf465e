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

import math
import warnings
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from workshop.i18n import REPORT_LOCALE, label, use_locale
from workshop.reports.figure import FALLBACK_COLOUR, asset_map_svg, colour_or_default
from workshop.workshops.service import SATISFACTION_RATINGS

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
FONT_DIR = ROOT / "static" / "fonts"
FONT_FILES = {400: FONT_DIR / "NotoSansSC-Regular.ttf", 700: FONT_DIR / "NotoSansSC-Bold.ttf"}
HTML_FONT_STACK = (
    '"Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Zen Hei", sans-serif'
)
PDF_FONT_STACK = '"Noto Sans SC", "WenQuanYi Zen Hei", sans-serif'
CHINA_TZ = timezone(timedelta(hours=8))  # China has one time zone and no DST
DASH = "—"
SATISFACTION = tuple((key, label("rating", key, REPORT_LOCALE)) for key in SATISFACTION_RATINGS)


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
    env.filters["or_dash"] = lambda v: DASH if v is None or v == "" else v
    return env


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def percent(value: Any, digits: int = 1) -> str:
    """0.8333 → "83.3%"; None (or anything not a number) → "—"."""
    number = _number(value)
    return DASH if number is None else f"{number * 100:.{digits}f}%"


def cn_date(value: str | None) -> str:
    """ "2026-11-24" → "2026年11月24日"; unparseable text is shown as given."""
    if not value:
        return DASH
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{d.year}年{d.month}月{d.day}日"


def _china_time(value: str) -> datetime | None:
    """Parse an ISO timestamp; an aware one is shown in China time (naive: as given)."""
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt.astimezone(CHINA_TZ) if dt.tzinfo is not None else dt


def cn_datetime(value: str | None) -> str:
    """ "2026-11-24T07:30:00+00:00" → "2026年11月24日 15:30"."""
    if not value:
        return DASH
    dt = _china_time(value)
    return f"{dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M}" if dt else str(value)


def cn_time(value: str | None) -> str | None:
    """ "2026-11-24T06:00:00+00:00" → "14:00"; None → None."""
    if not value:
        return None
    dt = _china_time(value)
    return f"{dt:%H:%M}" if dt else str(value)


def _share(part: int | float | None, whole: int | float | None) -> float | None:
    return part / whole if part is not None and whole else None


def _bar(share: Any) -> float:
    """Width (0–100) of the support bar; anything not a number draws no bar."""
    value = _number(share)
    return 0.0 if value is None else round(min(max(value, 0.0), 1.0) * 100, 1)


def _inventory(items: list[dict], classes: list[dict]) -> list[dict]:
    """Group the assets by class, in the legend's order; unknown classes go last.

    Each entry is one plain string ("3. 黄葛古树：说明"): WeasyPrint spends about 0.5 ms
    per box, so 2,000 assets as one paragraph each, without inline boxes, keep the PDF of
    a large workshop within seconds (a table row of four cells costs four times as much).
    """
    groups: dict[Any, dict] = {
        c.get("key"): {"label": c.get("label") or c.get("key") or "", "colour": c["colour"]}
        | {"entries": []}
        for c in classes
    }
    for item in items:
        key = item.get("class")
        if key not in groups:
            groups[key] = {
                "label": item.get("label") or key or "未分类",
                "colour": FALLBACK_COLOUR,
                "entries": [],
            }
        entries = groups[key]["entries"]
        name = str(item.get("name") or "（未命名）").strip()
        description = str(item.get("description") or "").strip()
        text = f"{len(entries) + 1}. {name}"
        entries.append(f"{text}：{description}" if description else text)
    return [g for g in groups.values() if g["entries"]]


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


def _view(content: dict, *, for_pdf: bool) -> dict:
    """Shape the content's cover, participation, assets, voting and satisfaction parts for
    reports.model.build (numbers formatted there); build reads the rest from the content."""
    community = _d(content.get("community"))
    workshop = _d(content.get("workshop"))
    participation = _d(content.get("participation"))
    assets = _d(content.get("assets"))
    voting = _d(content.get("voting"))
    satisfaction = _d(content.get("satisfaction"))

    total = participation.get("total") or 0
    groups = [
        {"group": g.get("group") or "未填写", "count": g.get("count") or 0}
        for g in _l(participation.get("by_group"))
    ]
    for g in groups:
        g["share"] = _share(g["count"], total)

    classes = [dict(c) for c in _l(assets.get("by_class")) if isinstance(c, dict)]
    asset_total = assets.get("total")
    if asset_total is None:
        asset_total = sum(c.get("count") or 0 for c in classes)
    for c in classes:
        c["colour"] = colour_or_default(c.get("colour"))
        c["count"] = c.get("count") or 0
        c["share"] = _share(c["count"], asset_total)
    items = [i for i in _l(assets.get("items")) if isinstance(i, dict)]
    inventory = _inventory(items, classes)

    counts = _d(satisfaction.get("counts"))
    opened, closed = cn_time(workshop.get("opened_at")), cn_time(workshop.get("closed_at"))
    font_stack = PDF_FONT_STACK if for_pdf else HTML_FONT_STACK
    return {
        "generated_at": cn_datetime(content.get("generated_at")),
        "community": {
            "name": community.get("name") or "",
            "district": community.get("district"),
            "street": community.get("street"),
        },
        "workshop": {
            "title": workshop.get("title"),
            "date": cn_date(workshop.get("date")),
            "place": workshop.get("place"),
            "time_span": f"{opened or '—'} 至 {closed or '—'}" if opened or closed else None,
        },
        "participation": {"total": total, "groups": groups},
        "assets": {"total": asset_total, "classes": classes, "inventory": inventory},
        "figure": asset_map_svg(
            content.get("boundary"), items, classes, font_family=font_stack.replace('"', "")
        ),
        "voting": {
            "method_label": voting.get("method_label") or voting.get("method"),
            "voters": voting.get("voters"),
            "rules": _d(voting.get("rules")),
        },
        "satisfaction": {
            "responses": satisfaction.get("responses") or 0,
            "rows": [
                {
                    "label": text,
                    "count": counts.get(key) or 0,
                    "share": _share(counts.get(key) or 0, satisfaction.get("responses")),
                }
                for key, text in SATISFACTION
            ],
            "rate": satisfaction.get("rate"),
        },
    }


def report_html(content: dict, *, for_pdf: bool = False) -> str:
    """Return the report as one self-contained HTML page (for_pdf: the WeasyPrint flavour).

    The report is for the street office: it is rendered in Chinese (REPORT_LOCALE) whatever
    the language of the screen that asked for it."""
    from workshop.reports import model

    font_stack = PDF_FONT_STACK if for_pdf else HTML_FONT_STACK
    with use_locale(REPORT_LOCALE):
        return (
            _env()
            .get_template("reports/consensus.html")
            .render(
                doc=model.build(content, for_pdf=for_pdf),
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
