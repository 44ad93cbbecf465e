"""A pure-ASGI check of request bodies before any route parses them.

- JSON bodies nested deeper than MAX_JSON_DEPTH are answered 422 at once: Python's json
  module would otherwise recurse until RecursionError (a 500 and a reset connection).
- A NUL character in a JSON or URL-encoded body (`\\u0000`, `%00`) is answered 422 with
  the message that says so, on SQLite and PostgreSQL alike. Multipart bodies (uploads)
  are left to the routes: their text fields go through workshop.text.
The body is read once and replayed to the app unchanged.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop.i18n import t

MAX_JSON_DEPTH = 64
_KEEP = bytes(range(256)).translate(None, b'[]{}"\\')  # everything but these is dropped


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped)."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be deeper than the limit: skip the scan
    depth = deepest = 0
    in_string = escaped = False
    for byte in body.translate(None, _KEEP):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        else:  # ] or }
            depth -= 1
    return deepest


def has_nul(body: bytes, content_type: str) -> bool:
    if b"\x00" in body:
        return True
    if "json" in content_type:
        return b"\\u0000" in body
    return b"%00" in body


class BodyGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        is_json = "json" in content_type
        if not is_json and not content_type.startswith("application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay(b"", message, receive), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        key, params = "", {}
        if is_json and json_depth(body) > MAX_JSON_DEPTH:
            key, params = "error.json_too_deep", {"limit": str(MAX_JSON_DEPTH)}
        elif has_nul(body, content_type):
            key, params = "text.nul", {}
        if key:
            # A JSON body gets JSON; a form the app's own answer (an htmx partial or a page).
            from workshop.app import error_response

            text = t(key, **params)
            response = (
                JSONResponse({"detail": text, "code": key}, status_code=422)
                if is_json
                else error_response(Request(scope), 422, text, key)
            )
            await response(scope, _replay(body, None, receive), send)
            return
        await self.app(scope, _replay(body, None, receive), send)


def _replay(body: bytes, then: Message | None, receive: Receive | None = None) -> Receive:
    """Give the app the body read here, then whatever the client sends (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if then is not None:
                return then
            return {"type": "http.request", "body": body, "more_body": False}
        if receive is not None:
            return await receive()
        return {"type": "http.disconnect"}

    return replay
