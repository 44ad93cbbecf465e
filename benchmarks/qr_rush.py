"""Benchmark: the QR rush: N residents press 加入 in the same instant (issue 14).

    .venv/bin/python -m benchmarks.qr_rush [--joins 200,500] [--database-url URL --workers 4]

Starts `workshop serve` (SQLite by default; a throw-away PostgreSQL database with
--database-url) with the demo workshop. For each N: N tablets (their own cookies and CSRF
tokens) open the join page, then all press 加入 at once; tablets resend a 503 after its
Retry-After with jitter, as the page's resend queue does. Meanwhile a logged-in planner's
projector page is fetched every 50 ms. Prints the answers by status, first-try 503s,
how long until every join was stored, the projector page's latency during the rush, and
on PostgreSQL how many new server sessions (connections) the rush opened.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

import httpx
from sqlalchemy import create_engine, text

from benchmarks.harness import fresh_database, ms, quantiles, start_server
from tests.crowd import Resident, close_all, join_all, residents


def _scalar(url: str, sql: str, **params: object) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def pg_sessions(url: str) -> int | None:
    if url.startswith("sqlite"):
        return None
    return _scalar(url, "select sessions from pg_stat_database where datname = current_database()")


async def _projector(base_url: str, workshop_id: int, stop: asyncio.Event) -> list[float]:
    planner = Resident(httpx.AsyncClient(base_url=base_url, timeout=60))
    await planner.page("/login")
    await planner.post("/login", {"username": "demo", "password": "demo-planner"})
    times: list[float] = []
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            r = await planner.client.get(f"/console/workshops/{workshop_id}/projector")
            assert r.status_code == 200, r.status_code
            times.append(time.perf_counter() - t0)
            await asyncio.sleep(0.05)
    finally:
        await planner.client.aclose()
    return times


async def rush(base_url: str, code: str, workshop_id: int, n: int) -> dict:
    people = residents(base_url, n)
    stop = asyncio.Event()
    projector = asyncio.create_task(_projector(base_url, workshop_id, stop))
    await asyncio.sleep(0.3)
    t0 = time.perf_counter()
    try:
        answers = await join_all(people, code)
    finally:
        await close_all(people)
    stop.set()
    times = await projector
    return {"answers": answers, "times": times, "wall": time.perf_counter() - t0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--joins", default="200,500", help="comma-separated crowd sizes")
    parser.add_argument("--database-url", default="", help="a throw-away PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    for n in (int(x) for x in args.joins.split(",")):
        url = fresh_database(args.database_url)
        server, code = start_server(url, workers=args.workers, proposals=3)
        try:
            workshop_id = _scalar(url, "select id from workshop where join_code = :c", c=code)
            before = pg_sessions(url)
            result = asyncio.run(rush(server.base_url, code, workshop_id, n))
            after = pg_sessions(url)
            stored = _scalar(
                url, "select count(*) from participant where workshop_id = :w", w=workshop_id
            )
        finally:
            server.stop()
        answers = result["answers"]
        statuses = Counter(a.status for a in answers)
        retried = sum(1 for a in answers if a.retries)
        five = sum(c for s, c in statuses.items() if s >= 500)
        backend = "SQLite" if url.startswith("sqlite") else f"PostgreSQL, {args.workers} workers"
        print(f"== {n} joins at once ({backend})")
        print(f"answers: {dict(sorted(statuses.items()))}; 5xx after resends: {five}")
        print(f"tablets that got a 503 + Retry-After first and resent: {retried}")
        print(f"stored: {stored} of {n}; all answered within {result['wall']:.2f} s")
        print(f"join latency (incl. resends): {ms(quantiles([a.seconds for a in answers]))}")
        print(f"projector page during the rush: {ms(quantiles(result['times']))}")
        if before is not None and after is not None:
            print(f"PostgreSQL sessions opened during the rush: {after - before}")


if __name__ == "__main__":
    main()
