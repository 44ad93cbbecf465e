"""A room acting at once, against a real server: residents who join and write in the
same instant, each with their own cookies and CSRF token (as their browsers would).

Shared by tests/durability/test_crowd.py (counts only, never times) and
benchmarks/qr_rush.py (times)."""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

import httpx

META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def run_async(coroutine):  # type: ignore[no-untyped-def]
    """`asyncio.run` on a thread of its own: the browser tests' Playwright may hold the
    main thread's event loop for the rest of the session."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class Answer:
    status: int
    seconds: float
    retries: int = 0


@dataclass
class Resident:
    """One tablet: its own cookie jar and the CSRF token its page carries."""

    client: httpx.AsyncClient
    token: str = ""
    answers: list[Answer] = field(default_factory=list)

    async def page(self, path: str) -> httpx.Response:
        response = await self.client.get(path)
        found = META_TOKEN.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    async def post(
        self, path: str, data: dict | None = None, *, json: dict | None = None, retry: bool = True
    ) -> Answer:
        """POST like the tablet's resend queue: a 503 with Retry-After is tried again after
        that many seconds plus jitter; anything else is the answer."""
        headers = {"X-CSRF-Token": self.token, "HX-Request": "true"}
        if json is not None:
            headers["Accept"] = "application/json"
        started, retries = time.monotonic(), 0
        while True:
            try:
                response = await self.client.post(path, data=data, json=json, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # A kept-alive connection the server closed as the request went out: a
                # browser sends it again on a new connection, and so do we (once).
                if retries >= 20:
                    raise
                retries += 1
                continue
            wait = response.headers.get("retry-after")
            if response.status_code == 503 and wait and retry and retries < 20:
                retries += 1
                await asyncio.sleep(float(wait) * (0.5 + random.random()))
                continue
            answer = Answer(response.status_code, time.monotonic() - started, retries)
            self.answers.append(answer)
            return answer


def residents(base_url: str, count: int) -> list[Resident]:
    """`count` tablets; close them with `close_all`."""
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    return [
        Resident(httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits))
        for _ in range(count)
    ]


async def close_all(people: list[Resident]) -> None:
    await asyncio.gather(*(p.client.aclose() for p in people))


async def join_all(people: list[Resident], code: str, *, groups: list[str] = ()) -> list[Answer]:
    """Every resident opens the join page first (spread out, as scanning is), then all of
    them press 加入 in the same instant. Returns the join answers."""
    await asyncio.gather(*(p.page(f"/j/{code}") for p in people))
    start = asyncio.Event()

    async def join(i: int, person: Resident) -> Answer:
        await start.wait()
        data = {"nickname": f"居民{i}", "consent": "true"}
        if groups and groups[i % len(groups)]:
            data["group"] = groups[i % len(groups)]
        answer = await person.post(f"/j/{code}", data)
        await person.page(f"/w/{code}")  # the page a joined tablet lands on (new token)
        return answer

    tasks = [asyncio.create_task(join(i, p)) for i, p in enumerate(people)]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))


async def at_once(calls: list) -> list[Answer]:  # list of zero-argument coroutine functions
    """Start every call, then release them in the same instant."""
    start = asyncio.Event()

    async def run(call):  # type: ignore[no-untyped-def]
        await start.wait()
        return await call()

    tasks = [asyncio.create_task(run(c)) for c in calls]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))
