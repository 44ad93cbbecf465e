"""Dates, times, numbers and percentages in the current locale (Babel)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from workshop.i18n import use_locale
from workshop.templating import templates


def render(source: str, **values) -> str:  # type: ignore[no-untyped-def]
    return templates.env.from_string(source).render(**values)


def test_dates_per_locale():
    day = date(2026, 5, 1)
    assert render("{{ d | date }}", d=day) == "2026年5月1日"
    assert render("{{ d | date }}", d="2026-05-01") == "2026年5月1日"
    with use_locale("en"):
        assert render("{{ d | date }}", d=day) == "May 1, 2026"
    assert render("{{ d | date }}", d=None) == "—"


def test_datetimes_are_shown_in_china_time():
    moment = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
    assert render("{{ m | datetime }}", m=moment) == "2026年5月1日 20:30:00"
    with use_locale("en"):
        assert render("{{ m | datetime('short') }}", m=moment) == "5/1/26, 8:30\u202fPM"


def test_numbers_and_percentages():
    assert render("{{ n | number }}", n=12345.5) == "12,345.5"
    assert render("{{ n | number(1) }}", n=3) == "3.0"
    assert render("{{ v | percent }}", v=0.1234) == "12.3%"
    assert render("{{ v | percent(0) }}", v=0.5) == "50%"
    assert render("{{ v | percent }}", v=None) == "—"
    with use_locale("en"):
        assert render("{{ v | percent(0) }}", v=1) == "100%"
        assert render("{{ n | number }}", n=1234567) == "1,234,567"
