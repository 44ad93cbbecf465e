"""Jinja2 templates, the htmx helper and the one render function routes use."""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from workshop.assets.service import ASSET_CLASSES
from workshop.config import TEMPLATES_DIR, get_settings
from workshop.i18n import DEFAULT_LOCALE, label, t


def _security_context(request: Request) -> dict[str, Any]:
    """Per-request values set by SecurityMiddleware: the CSP nonce and the CSRF token."""
    state = request.scope.get("state", {})
    return {"csp_nonce": state.get("csp_nonce", ""), "csrf_token": state.get("csrf_token", "")}


@pass_context
def csrf_field(context: Any) -> Markup:
    """Return the hidden CSRF input for a plain form (empty outside a request)."""
    token = context.get("csrf_token") or ""
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(token))


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[_security_context])
templates.env.globals.update(
    _=t,
    csrf_field=csrf_field,
    label=label,
    locale=DEFAULT_LOCALE,
    asset_colours={key: c.colour for key, c in ASSET_CLASSES.items()},
)
templates.env.filters["percent"] = lambda v, digits=1: "—" if v is None else f"{v:.{digits}%}"


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
