"""The Wi-Fi comes back and every tablet reconnects its event stream at once: each one
must connect (no request may starve waiting for a database connection)."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ..serverproc import ServerProcess

TABLETS = 120


def _join(server: ServerProcess, code: str) -> str:
    with contextlib.closing(server.client(timeout=60)) as client:
        assert client.post(f"/j/{code}", data={"consent": "true"}).status_code == 303
        return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)


async def _connect_all(base: str, code: str, cookies: list[str]) -> list[str]:
    limits = httpx.Limits(max_connections=len(cookies) + 5)

    async def first_event(client: httpx.AsyncClient, cookie: str) -> str:
        async with client.stream("GET", f"/w/{code}/events", headers={"Cookie": cookie}) as r:
            if r.status_code != 200:
                return f"HTTP {r.status_code}"
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    return line.split(":", 1)[1].strip()
        return "closed"

    async with httpx.AsyncClient(base_url=base, timeout=90, limits=limits) as client:
        return await asyncio.gather(*(first_event(client, c) for c in cookies))


def test_hundreds_of_streams_reconnecting_at_once_all_connect(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    server = ServerProcess(tmp_path, settings.resolved_database_url(), log_level="warning")
    code = server.voting_workshop()
    server.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            cookies = list(pool.map(lambda _: _join(server, code), range(TABLETS)))
        # A thread of its own: the browser tests' Playwright may hold this thread's loop.
        with ThreadPoolExecutor(1) as pool:
            answers = pool.submit(
                lambda: asyncio.run(_connect_all(server.base_url, code, cookies))
            ).result()
    finally:
        server.stop()
    assert answers == ["hello"] * TABLETS
