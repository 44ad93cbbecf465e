"""Jinja2 templates, the htmx helper and the one render function routes use."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

from babel import dates, numbers
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from workshop.assets.classes import ASSET_CLASSES
from workshop.config import TEMPLATES_DIR, get_settings
from workshop.i18n import LOCALES, babel_name, get_locale, label, t
from workshop.outcome import passed_label, percent, rule_sentences, verdict_label
from workshop.workshops.service import SATISFACTION_RATINGS

# Times are stored in UTC; people read them in China time (one zone, no DST).
DISPLAY_TZ = timezone(timedelta(hours=8))


def _security_context(request: Request) -> dict[str, Any]:
    """Per-request values set by workshop.security: the CSP nonce and the CSRF token."""
    state = request.scope.get("state", {})
    return {"csp_nonce": state.get("csp_nonce", ""), "csrf_token": state.get("csrf_token", "")}


def _locale_context(request: Request) -> dict[str, Any]:
    """The request's language (LocaleMiddleware) and the links of the language switch."""
    locale = get_locale()
    switch = []
    for code in LOCALES:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        query.append(("lang", code))
        switch.append(
            {
                "code": code,
                "href": request.url.path + "?" + urlencode(query),
                "current": code == locale,
            }
        )
    return {"locale": locale, "lang_links": switch}


def _parse(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return (
                datetime.fromisoformat(value)
                if "T" in value or " " in value
                else date.fromisoformat(value)
            )
        except ValueError:
            return None
    return value


def format_date_filter(value: Any, format: str = "medium") -> str:
    """A date (or datetime, or ISO string) in the current locale: 2026年5月1日 / May 1, 2026."""
    parsed = _parse(value)
    if parsed is None or parsed == "":
        return "—" if value in (None, "") else str(value)
    if isinstance(parsed, datetime):
        parsed = (parsed.astimezone(DISPLAY_TZ) if parsed.tzinfo else parsed).date()
    return dates.format_date(parsed, format=format, locale=babel_name(get_locale()))


def format_datetime_filter(value: Any, format: str = "medium") -> str:
    """A moment in the current locale, shown in China time."""
    parsed = _parse(value)
    if not isinstance(parsed, datetime):
        return (
            format_date_filter(value)
            if parsed is not None
            else ("—" if value is None else str(value))
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return dates.format_datetime(
        parsed, format=format, tzinfo=DISPLAY_TZ, locale=babel_name(get_locale())
    )


def format_number_filter(value: Any, digits: int | None = None) -> str:
    """A number with the locale's grouping and decimal signs; `digits` fixes the decimals."""
    if value is None or value == "":
        return "—"
    loc = babel_name(get_locale())
    if digits is None:
        return numbers.format_decimal(value, locale=loc)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return numbers.format_decimal(value, format=pattern, locale=loc)


def format_percent_filter(value: Any, digits: int = 1) -> str:
    """A share (0.123) as a percentage; "—" when there is none. The same formatter (and
    rounding) as the reports and exports: `workshop.outcome.percent`."""
    return percent(value, digits)


def paren_filter(value: Any) -> Markup:
    """`value` in brackets the locale's way: （…） in Chinese, " (…)" in English. Works on
    a `{% filter paren %}` block too (its rendered, already escaped, markup)."""
    before, _, after = t("punct.paren", text="\x00").partition("\x00")
    return Markup("{}{}{}").format(before, value, after)


@pass_context
def csrf_field(context: Any) -> Markup:
    """Return the hidden CSRF input for a plain form (empty outside a request)."""
    token = context.get("csrf_token") or ""
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(token))


templates = Jinja2Templates(
    directory=str(TEMPLATES_DIR), context_processors=[_security_context, _locale_context]
)
templates.env.globals.update(
    _=t,
    csrf_field=csrf_field,
    label=label,
    verdict_label=verdict_label,
    passed_label=passed_label,
    rule_sentences=rule_sentences,
    asset_colours={key: c.colour for key, c in ASSET_CLASSES.items()},
    satisfaction_ratings=SATISFACTION_RATINGS,
)
templates.env.filters.update(
    date=format_date_filter,
    datetime=format_datetime_filter,
    number=format_number_filter,
    percent=format_percent_filter,
    paren=paren_filter,
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page or a partial; every answer varies on HX-Request."""
    response = templates.TemplateResponse(request, name, context or {}, status_code=status_code)
    response.headers["Vary"] = "HX-Request"
    return response


def go_to(request: Request, target: str) -> Response:
    """Navigate: htmx follows an HX-Redirect header, a plain request a 303."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def partial_or_back(
    request: Request, name: str, context: dict[str, Any], *, back: str, status_code: int = 200
) -> Response:
    """Answer htmx with the partial; a plain form post (htmx not loaded yet) goes back."""
    if is_htmx(request):
        return render(request, name, context, status_code=status_code)
    return RedirectResponse(back, status_code=303)


def lan_address() -> str:
    """Return this laptop's address on the local network, or 127.0.0.1 if none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # UDP connect sends nothing; it only asks the OS which interface would be used.
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def public_base(request: Request) -> str:
    """Return the base URL tablets should use (never localhost when avoidable)."""
    configured = get_settings().public_url
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(str(request.base_url))
    host = parts.hostname or "127.0.0.1"
    if host in ("localhost", "127.0.0.1", "::1"):
        host = lan_address()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"
