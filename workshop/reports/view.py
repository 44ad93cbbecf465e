"""Read a record's content for the report: tolerant accessors, dates in China time, and
the shaped cover, participation, assets, voting and satisfaction parts.

Nothing here renders: `workshop.reports.model` builds the document from this view and the
content; `render` (HTML/PDF) and `docx` only print that document. Percentages come from
`workshop.outcome.percent`, the formatter the record page and the exports use too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from workshop.outcome import DASH, as_number, percent
from workshop.reports.figure import FALLBACK_COLOUR, asset_map_svg, colour_or_default

CHINA_TZ = timezone(timedelta(hours=8))  # China has one time zone and no DST
SATISFACTION = (("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意"))
HTML_FONT_STACK = (
    '"Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Zen Hei", sans-serif'
)
PDF_FONT_STACK = '"Noto Sans SC", "WenQuanYi Zen Hei", sans-serif'

__all__ = ["DASH", "percent"]


def d(value: Any) -> dict:
    """The value if it is a dict, else {} (content written by older versions varies)."""
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list:
    """The value if it is a list, else []."""
    return value if isinstance(value, list) else []


def cn_date(value: str | None) -> str:
    """ "2026-11-24" → "2026年11月24日"; unparseable text is shown as given."""
    if not value:
        return DASH
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日"


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


def share(part: int | float | None, whole: int | float | None) -> float | None:
    return part / whole if part is not None and whole else None


def bar(value: Any) -> float:
    """Width (0–100) of the support bar; anything not a number draws no bar."""
    number = as_number(value)
    return 0.0 if number is None else round(min(max(number, 0.0), 1.0) * 100, 1)


def numbered_items(items: list[dict], classes: list[dict]) -> list[dict]:
    """The assets in the legend's class order (unknown classes last), each with the one
    number (1, 2, 3 … across all classes) the map figure and the inventory both print."""
    order = {c.get("key"): i for i, c in enumerate(classes)}
    ranked = sorted(
        enumerate(items), key=lambda pair: (order.get(pair[1].get("class"), len(order)), pair[0])
    )
    return [item | {"number": n} for n, (_, item) in enumerate(ranked, 1)]


def inventory(items: list[dict], classes: list[dict]) -> list[dict]:
    """Group the numbered assets by class, in the legend's order; unknown classes go last.

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
        name = str(item.get("name") or "（未命名）").strip()
        description = str(item.get("description") or "").strip()
        text = f"{item['number']}. {name}"
        groups[key]["entries"].append(f"{text}：{description}" if description else text)
    return [g for g in groups.values() if g["entries"]]


def view(content: dict, *, for_pdf: bool) -> dict:
    """Shape the content's cover, participation, assets, voting and satisfaction parts for
    reports.model.build (numbers formatted there); build reads the rest from the content."""
    community = d(content.get("community"))
    workshop = d(content.get("workshop"))
    participation = d(content.get("participation"))
    assets = d(content.get("assets"))
    voting = d(content.get("voting"))
    satisfaction = d(content.get("satisfaction"))

    total = participation.get("total") or 0
    groups: list[dict[str, Any]] = [
        {"group": g.get("group") or "未填写", "count": g.get("count") or 0}
        for g in lst(participation.get("by_group"))
        if isinstance(g, dict)
    ]
    for g in groups:
        g["share"] = share(g["count"], total)

    classes = [dict(c) for c in lst(assets.get("by_class")) if isinstance(c, dict)]
    asset_total = assets.get("total")
    if asset_total is None:
        asset_total = sum(c.get("count") or 0 for c in classes)
    for c in classes:
        c["colour"] = colour_or_default(c.get("colour"))
        c["count"] = c.get("count") or 0
        c["share"] = share(c["count"], asset_total)
    items = numbered_items([i for i in lst(assets.get("items")) if isinstance(i, dict)], classes)

    counts = d(satisfaction.get("counts"))
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
            "time_span": f"{opened or DASH} 至 {closed or DASH}" if opened or closed else None,
        },
        "participation": {"total": total, "groups": groups},
        "assets": {
            "total": asset_total,
            "classes": classes,
            "inventory": inventory(items, classes),
        },
        "figure": asset_map_svg(
            content.get("boundary"), items, classes, font_family=font_stack.replace('"', "")
        ),
        "voting": {
            "method_label": voting.get("method_label") or voting.get("method"),
            "voters": voting.get("voters"),
            "rules": d(voting.get("rules")),
        },
        "satisfaction": {
            "responses": satisfaction.get("responses") or 0,
            "rows": [
                {
                    "label": text,
                    "count": counts.get(key) or 0,
                    "share": share(counts.get(key) or 0, satisfaction.get("responses")),
                }
                for key, text in SATISFACTION
            ],
            "rate": satisfaction.get("rate"),
        },
    }
