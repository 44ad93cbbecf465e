"""Benchmark: how fast a vote reaches the projector's event stream with 300 tablets
connected to their own streams.

    .venv/bin/python benchmarks/projector_latency.py [--tablets 300] [--votes 30]
        [--database-url URL --workers N]

SQLite and one process by default (the laptop). With --database-url (a throw-away
PostgreSQL database: its public schema is recreated) and --workers, the streams spread
over the worker processes and events cross them by LISTEN/NOTIFY. 300 tablets join and
open their SSE streams, the projector (a logged-in planner) opens its own; then votes are
cast one at a time, and the time from sending the vote to each stream's `tally` event is
recorded. Target (docs/domain.md#targets): p95 under 500 ms at the projector with 300 tablets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from harness import fresh_database, ms, primed, proposal_ids, quantiles, start_server
from sqlalchemy import create_engine, text

WAIT_S = 10.0


class Round:
    """The vote in flight: when it was sent, and who has seen its event."""

    def __init__(self) -> None:
        self.number = -1
        self.sent = 0.0
        self.seen: dict[str, float] = {}
        self.everyone = asyncio.Event()
        self.expected = 0


async def listen(
    client: httpx.AsyncClient,
    name: str,
    url: str,
    cookies: str,
    ready: asyncio.Event,
    now: Round,
    counter: list[int],
) -> None:
    headers = {"Cookie": cookies, "Accept": "text/event-stream"}
    async with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200, (name, response.status_code)
        async for line in response.aiter_lines():
            if line.startswith("event: hello"):
                counter[0] += 1
                if counter[0] == now.expected:
                    ready.set()
            elif line.startswith("event: tally") and now.number >= 0 and name not in now.seen:
                now.seen[name] = time.perf_counter() - now.sent
                if len(now.seen) == now.expected:
                    now.everyone.set()


def cookie_header(client: httpx.Client) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)


def join(base: str, code: str) -> str:
    with contextlib.closing(primed(httpx.Client(base_url=base, timeout=60))) as c:
        assert c.post(f"/j/{code}", data={"consent": "true"}).status_code == 303
        return cookie_header(c)


async def run(base: str, code: str, workshop_id: int, ids: list[int], args) -> dict:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(16) as pool:
        tablets = list(pool.map(lambda _: join(base, code), range(args.tablets)))
    planner = primed(httpx.Client(base_url=base, timeout=60))
    planner.post("/login", data={"username": "demo", "password": "demo-planner"})
    projector_cookies = cookie_header(planner)
    planner.close()
    voter = primed(httpx.Client(base_url=base, timeout=60))
    assert voter.post(f"/j/{code}", data={"consent": "true"}).status_code == 303

    now = Round()
    now.expected = args.tablets + 1
    ready, counter = asyncio.Event(), [0]
    limits = httpx.Limits(max_connections=args.tablets + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=None, limits=limits) as client:
        streams = [
            asyncio.create_task(
                listen(client, f"tablet{i}", f"/w/{code}/events", cookies, ready, now, counter)
            )
            for i, cookies in enumerate(tablets)
        ]
        streams.append(
            asyncio.create_task(
                listen(
                    client,
                    "projector",
                    f"/console/workshops/{workshop_id}/events",
                    projector_cookies,
                    ready,
                    now,
                    counter,
                )
            )
        )
        await asyncio.wait_for(ready.wait(), 120)
        projector, everyone, missed = [], [], 0
        for n in range(args.votes):
            now.number, now.seen, now.everyone = n, {}, asyncio.Event()
            now.sent = time.perf_counter()
            pid = ids[n % len(ids)]
            support = (n // len(ids)) % 2 == 0
            r = await asyncio.to_thread(
                voter.post,
                f"/w/{code}/proposals/{pid}/support",
                data={"support": str(support).lower()},
                headers={"HX-Request": "true"},
            )
            assert r.status_code == 200, r.text
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(now.everyone.wait(), WAIT_S)
            missed += now.expected - len(now.seen)
            if "projector" in now.seen:
                projector.append(now.seen["projector"])
            everyone += list(now.seen.values())
            await asyncio.sleep(0.2)
        for task in streams:
            task.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
    voter.close()
    return {"projector": projector, "everyone": everyone, "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tablets", type=int, default=300)
    parser.add_argument("--votes", type=int, default=30)
    parser.add_argument("--database-url", default="", help="a throw-away PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    url = fresh_database(args.database_url)
    workers = args.workers if url.startswith("postgresql") else 1
    print(f"load average before: {os.getloadavg()[0]:.1f} (2-core reference machine)")
    server, code = start_server(url, workers=workers)
    engine = create_engine(url)
    with engine.connect() as conn:
        workshop_id = conn.execute(
            text("select id from workshop where stage != 'closed'")
        ).scalar_one()
    engine.dispose()
    try:
        result = asyncio.run(run(server.base_url, code, workshop_id, proposal_ids(url, code), args))
    finally:
        server.stop()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{backend}, {workers} worker(s); {args.tablets} tablet streams + 1 projector stream; "
        f"{args.votes} votes, one at a time"
    )
    print(
        f"projector: vote sent → tally event {ms(quantiles(result['projector']))} "
        f"(target p95 < 500 ms)"
    )
    print(f"every stream: {ms(quantiles(result['everyone']))}; missed {result['missed']}")


if __name__ == "__main__":
    main()
