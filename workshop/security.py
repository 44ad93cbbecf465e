"""Request guards that apply to every route: cross-site request refusal and headers.

CSRF: cookies are SameSite=Lax, and every state-changing request whose Origin (or, when
absent, Referer) names another host is refused. Browsers send Origin on cross-site POSTs,
so a page elsewhere cannot act with a planner's or resident's cookies. Requests with
neither header (scripts, the CLI) carry no ambient browser credentials to abuse.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop.i18n import t

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


def is_cross_site(headers: dict[bytes, bytes]) -> bool:
    """Return True when the request says it comes from a page on another host."""
    host = headers.get(b"host", b"").decode("latin-1").lower()
    source = headers.get(b"origin") or headers.get(b"referer")
    if source is None:
        return False
    value = source.decode("latin-1").strip().lower()
    if value == "null":
        return True
    return urlsplit(value).netloc != host


class SecurityMiddleware:
    """Refuse cross-site writes; add security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] not in SAFE_METHODS and is_cross_site(headers):
            body = json.dumps({"detail": t("error.cross_site"), "code": "csrf"}, ensure_ascii=False)
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json; charset=utf-8"),
                        *SECURITY_HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body.encode()})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
