"""Request guards that apply to every route, as three small pure ASGI middlewares
(no BaseHTTPMiddleware, no body copy on the hot path: a tablet's htmx vote sends its
token as a header, so its body is never read here):

- `SecurityHeadersMiddleware`: a fresh CSP nonce per request (`request.state.csp_nonce`,
  `csp_nonce` in templates) is the only way an inline <script> runs; CSP and the usual
  headers on every answer (refusals included); cookies marked Secure over HTTPS.
- `CrossSiteMiddleware`: every state-changing request whose Origin (or, when absent,
  Referer) names another host is refused. Browsers send Origin on cross-site POSTs.
- `CsrfMiddleware` (signed double submit, bound to the login session): every visitor
  gets a random token in a signed, HttpOnly cookie (`ws_csrf`). The page token is that
  token, or, once logged in, an HMAC of it and the session cookie — so a token taken
  from one browser does not fit another's session. Pages carry it (htmx sends it as the
  `X-CSRF-Token` header from `hx-headers` on <body>; plain forms post it as the
  `csrf_token` field, rendered by `csrf_field()` and added by static/app.js). A
  state-changing request must present the token of its own cookies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from itsdangerous import BadSignature, Signer
from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop.i18n import t
from workshop.negotiation import wants_json

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STATIC_PREFIX = "/static/"
CSRF_COOKIE = "ws_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "ws_session"  # workshop.accounts.sessions.SESSION_COOKIE
MAX_FORM_BYTES = 32 * 1024 * 1024  # larger bodies are refused by the routes anyway
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def content_security_policy(nonce: str, image_hosts: Iterable[str] = ()) -> str:
    """Return the CSP: own scripts plus one nonce; extra image hosts only when asked."""
    images = " ".join(["'self'", "data:", "blob:", *sorted(set(image_hosts))])
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; "
        "connect-src 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "object-src 'none'"
    )


def allow_image_host(request: Request, origin: str) -> None:
    """Let this page load images (e.g. online map tiles) from `origin` too."""
    hosts = getattr(request.state, "csp_image_hosts", None)
    if hosts is None:
        hosts = request.state.csp_image_hosts = set()
    hosts.add(origin)


def _signer(secret: str) -> Signer:
    return Signer(secret, salt="csrf")


def new_csrf_cookie(secret: str) -> tuple[str, str]:
    """Return (cookie value, token): a fresh random token and its signed cookie."""
    token = secrets.token_urlsafe(32)
    return _signer(secret).sign(token).decode(), token


def token_from_cookie(secret: str, value: str | None) -> str | None:
    """Return the token a `ws_csrf` cookie carries, or None when absent or forged."""
    if not value:
        return None
    try:
        return _signer(secret).unsign(value).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def token_of_cookie_value(value: str) -> str:
    """Return the token part of a `ws_csrf` cookie (for scripted clients that hold one)."""
    return value.rsplit(".", 1)[0]


def _secure_cookie(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """Mark a Set-Cookie Secure (the request came over HTTPS, directly or via the proxy)."""
    if name.lower() == b"set-cookie" and b"secure" not in value.lower():
        value += b"; Secure"
    return name, value


def _same(offered: str | None, token: str) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters (a hostile header).
    if not offered:
        return False
    return secrets.compare_digest(offered.encode(), token.encode())


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


def page_token(secret: str, cookie_token: str, session: str | None) -> str:
    """The token pages carry: the cookie's own token, bound to the login session if any."""
    if not session:
        return cookie_token
    mac = hmac.new(secret.encode(), f"{cookie_token}|{session}".encode(), hashlib.sha256)
    return mac.hexdigest()


def csrf_token_for(secret: str, cookies: dict[str, str]) -> str | None:
    """The token a page shows to a client holding `cookies` (for scripted clients, tests)."""
    token = token_from_cookie(secret, cookies.get(CSRF_COOKIE))
    return page_token(secret, token, cookies.get(SESSION_COOKIE)) if token else None


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """Read the whole request body; return (body, complete)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


_MULTIPART_FIELD = re.compile(
    rb'content-disposition:[^\r\n]*name="csrf_token"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n'
    rb"([^\r\n]{0,200})\r\n--",
    re.IGNORECASE,
)


def _form_token(content_type: str, body: bytes) -> str | None:
    """Return the csrf_token field of a form body, or None (found by a scan: a multipart
    upload is not parsed twice)."""
    if content_type.startswith(FORM_TYPES[0]):
        values = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith(FORM_TYPES[1]):
        found = _MULTIPART_FIELD.search(body)
        return found.group(1).decode("utf-8", "replace") if found else None
    return None


class SecurityHeadersMiddleware:
    """CSP with a fresh nonce, the usual security headers, Secure cookies over HTTPS."""

    def __init__(self, app: ASGIApp, *, cookie_secure: bool = False) -> None:
        self.app = app
        self.cookie_secure = cookie_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["csp_nonce"] = nonce
        secure = self.cookie_secure or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                hosts = state.get("csp_image_hosts", ())
                policy = content_security_policy(nonce, hosts).encode()
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"content-security-policy"
                ]
                if secure:
                    headers = [_secure_cookie(name, value) for name, value in headers]
                message["headers"] = [
                    *headers,
                    *SECURITY_HEADERS,
                    (b"content-security-policy", policy),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossSiteMiddleware:
    """Refuse a state-changing request that says it comes from a page on another host."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and is_cross_site(dict(scope["headers"]))
        ):
            await refuse(scope, receive, send, "error.cross_site", "csrf")
            return
        await self.app(scope, receive, send)


class CsrfMiddleware:
    """Issue the CSRF cookie; refuse a state-changing request without its page token."""

    def __init__(self, app: ASGIApp, *, secret_key: str, cookie_secure: bool = False) -> None:
        self.app = app
        self.secret_key = secret_key
        self.cookie_secure = cookie_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw = headers.get(b"cookie")
        jar = cookie_parser(raw.decode("latin-1")) if raw else {}
        token = token_from_cookie(self.secret_key, jar.get(CSRF_COOKIE))
        had_cookie = token is not None
        set_cookie = None
        if token is None:
            set_cookie, token = new_csrf_cookie(self.secret_key)
            if scope.get("path", "").startswith(STATIC_PREFIX):
                set_cookie = None  # pages issue it; a page's parallel asset loads must not
        expected = page_token(self.secret_key, token, jar.get(SESSION_COOKIE))
        scope.setdefault("state", {})["csrf_token"] = expected

        if scope["method"] not in SAFE_METHODS:
            sent = headers.get(CSRF_HEADER.encode())
            offered = sent.decode("latin-1") if sent is not None else None
            if offered is None:  # a plain form: the token is a field of the body
                body, complete = await _read_body(receive)
                if complete:
                    kind = headers.get(b"content-type", b"").decode("latin-1").lower()
                    offered = _form_token(kind, body)
                receive = _replay(body, receive)
            # A token only counts when it came with the cookies it belongs to.
            if not had_cookie or not _same(offered, expected):
                await refuse(scope, receive, send, "error.csrf", "csrf")
                return

        if set_cookie is None:
            await self.app(scope, receive, send)
            return
        secure = self.cookie_secure or scope.get("scheme") == "https"
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
        cookie = (b"set-cookie", f"{CSRF_COOKIE}={set_cookie}{flags}".encode())

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), cookie]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def refuse(scope: Scope, receive: Receive, send: Send, key: str, code: str) -> None:
    """Answer 403 the way the app answers errors: JSON, an htmx partial, or a page."""
    headers = Headers(scope=scope)
    message = t(key)
    if wants_json(scope.get("path", ""), headers):
        body = json.dumps({"detail": message, "code": code}, ensure_ascii=False).encode()
        start = {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    from workshop.templating import render

    template = "errors/_error.html" if headers.get("hx-request") == "true" else "errors/error.html"
    response = render(
        Request(scope, receive), template, {"message": message, "status": 403}, status_code=403
    )
    await response(scope, receive, send)
