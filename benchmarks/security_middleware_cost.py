"""Server CPU the request guards cost per request (issue 14 counts per-request CPU).

    PYTHONPATH=. python benchmarks/security_middleware_cost.py

Calls the guard middlewares directly over a do-nothing ASGI app (no HTTP, no routes), for a
tablet's htmx vote (POST with the X-CSRF-Token header, logged-in cookie jar) and a page
GET, and prints microseconds of CPU per request. Works on the older single
SecurityMiddleware too (run it with PYTHONPATH pointing at an older checkout to compare).
"""

from __future__ import annotations

import asyncio
import time

from workshop import security

SECRET = "benchmark-secret-key-benchmark-secret-key"
N = 20_000


async def _inner(scope, receive, send):  # type: ignore[no-untyped-def]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _stack():  # type: ignore[no-untyped-def]
    if hasattr(security, "CsrfMiddleware"):
        app = security.CsrfMiddleware(_inner, secret_key=SECRET)
        app = security.CrossSiteMiddleware(app)
        return security.SecurityHeadersMiddleware(app)
    return security.SecurityMiddleware(_inner, secret_key=SECRET)  # type: ignore[attr-defined]


def _scope(method: str, cookie: str, token: str) -> dict:
    headers = [
        (b"host", b"testserver"),
        (b"cookie", cookie.encode()),
        (b"hx-request", b"true"),
        (b"x-csrf-token", token.encode()),
        (b"origin", b"http://testserver"),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    return {
        "type": "http",
        "method": method,
        "path": "/w/ABCDEF/proposals/1/support",
        "headers": headers,
        "scheme": "http",
    }


async def _run(app, method: str, cookie: str, token: str) -> float:  # type: ignore[no-untyped-def]
    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": b"support=true", "more_body": False}

    statuses = []

    async def send(message):  # type: ignore[no-untyped-def]
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    start = time.process_time()
    for _ in range(N):
        await app(_scope(method, cookie, token), receive, send)
    elapsed = time.process_time() - start
    assert set(statuses) == {200}, set(statuses)
    return elapsed / N * 1e6


def main() -> None:
    cookie_value, raw = security.new_csrf_cookie(SECRET)
    session = "s" * 43
    cookie = f"ws_csrf={cookie_value}; ws_session={session}; ws_participant=abc.def"
    token = (
        security.csrf_token_for(SECRET, {"ws_csrf": cookie_value, "ws_session": session})
        if hasattr(security, "csrf_token_for")
        else raw
    )
    app = _stack()
    for method in ("POST", "GET"):
        us = asyncio.run(_run(app, method, cookie, token))
        print(f"{method} (htmx, token in header): {us:.1f} µs CPU per request")


if __name__ == "__main__":
    main()
