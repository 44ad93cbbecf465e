"""Per-request language: `?lang=` (remembered in the `ws_lang` cookie), else the cookie,
else Accept-Language, else zh-CN. Sets the contextvar `t()`/`label()` read."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop.i18n import DEFAULT_LOCALE, normalise, reset_locale, set_locale

LANG_COOKIE = "ws_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    raw = headers.get(b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # a malformed cookie header is ignored, not an error
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def from_accept_language(header: str | None) -> str | None:
    """The best supported locale in an Accept-Language header (by q), or None."""
    if not header:
        return None
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        locale = normalise(tag)
        if locale and q > 0:
            ranked.append((-q, position, locale))
    return min(ranked)[2] if ranked else None


def choose_locale(scope: Scope) -> tuple[str, str | None]:
    """Return (locale, value for a new ws_lang cookie or None)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    asked = normalise((query.get("lang") or [None])[0])
    if asked:
        return asked, asked
    headers = dict(scope.get("headers") or [])
    remembered = normalise(_cookie(headers, LANG_COOKIE))
    if remembered:
        return remembered, None
    accepted = from_accept_language(headers.get(b"accept-language", b"").decode("latin-1"))
    return accepted or DEFAULT_LOCALE, None


class LocaleMiddleware:
    """Outermost middleware: everything inside (refusals, routes, error pages) is localised."""

    def __init__(self, app: ASGIApp, *, cookie_secure: bool = False) -> None:
        self.app = app
        self.cookie_secure = cookie_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale, remember = choose_locale(scope)
        scope.setdefault("state", {})["locale"] = locale

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", locale.encode()))
                if remember:
                    cookie = (
                        f"{LANG_COOKIE}={remember}; Max-Age={LANG_COOKIE_MAX_AGE}; Path=/; "
                        "SameSite=Lax" + ("; Secure" if self.cookie_secure else "")
                    )
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        token = set_locale(locale)
        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            reset_locale(token)
