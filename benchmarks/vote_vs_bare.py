"""Benchmark: the vote endpoint against a bare FastAPI + one SQLite insert, same run.

    .venv/bin/python benchmarks/vote_vs_bare.py [--threads 16] [--requests 150]

Both servers run as one uvicorn process on SQLite, one after the other, driven by the
same client threads (keep-alive httpx clients, form posts). The workshop's vote does what
a real vote does: CSRF and Origin checks, the participant cookie, the stage and round
checks, the unique vote row with its audit, the commit and the live event. Target
(docs/domain.md#targets): the vote path's throughput is at least half the bare endpoint's.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from harness import (
    bare_server,
    cpu_seconds,
    fresh_database,
    ms,
    primed,
    proposal_ids,
    quantiles,
    start_server,
)

Result = tuple[float, list[float], int, float | None]


def drive(make_client, send, threads: int, requests: int, pid: int) -> Result:  # type: ignore[no-untyped-def]
    """Run `requests` sends on each of `threads` clients; return (req/s, latencies, errors,
    the server's CPU seconds per request)."""
    clients = [make_client(i) for i in range(threads)]
    cpu0 = cpu_seconds(pid)

    def run(i: int) -> tuple[list[float], int]:
        latencies, errors = [], 0
        for n in range(requests):
            t0 = time.perf_counter()
            ok = send(clients[i], i, n)
            latencies.append(time.perf_counter() - t0)
            errors += not ok
        return latencies, errors

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(run, range(threads)))
    elapsed = time.perf_counter() - t0
    cpu1 = cpu_seconds(pid)
    for c in clients:
        c.close()
    latencies = [x for lat, _ in results for x in lat]
    cpu = (cpu1 - cpu0) / len(latencies) if cpu0 is not None and cpu1 is not None else None
    return len(latencies) / elapsed, latencies, sum(e for _, e in results), cpu


def bare(threads: int, requests: int) -> Result:
    with bare_server() as (base, pid):

        def make_client(i: int) -> httpx.Client:
            c = httpx.Client(base_url=base, timeout=30)
            c.get("/docs").raise_for_status()  # connect (and keep alive) before timing
            return c

        def send(c: httpx.Client, i: int, n: int) -> bool:
            r = c.post(f"/vote/{n % 8}", data={"support": str(n % 2 == 0).lower()})
            return r.status_code == 200

        return drive(make_client, send, threads, requests, pid)


def vote_path(threads: int, requests: int) -> Result:
    url = fresh_database("")
    server, code = start_server(url)
    ids = proposal_ids(url, code)
    try:

        def make_client(i: int) -> httpx.Client:
            c = primed(httpx.Client(base_url=server.base_url, timeout=30))
            assert c.post(f"/j/{code}", data={"consent": "true"}).status_code == 303
            return c

        def send(c: httpx.Client, i: int, n: int) -> bool:
            # Support, withdraw, support …: every request writes the vote row.
            r = c.post(
                f"/w/{code}/proposals/{ids[n % len(ids)]}/support",
                data={"support": str((n // len(ids)) % 2 == 0).lower()},
                headers={"HX-Request": "true"},
            )
            return r.status_code == 200

        return drive(make_client, send, threads, requests, server.proc.pid)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--requests", type=int, default=150, help="per thread")
    args = parser.parse_args()
    results = {
        "bare FastAPI + 1 insert": bare(args.threads, args.requests),
        "workshop vote path": vote_path(args.threads, args.requests),
    }
    print(f"{args.threads} client threads × {args.requests} form posts, SQLite, one process")
    for name, (rate, latencies, errors, cpu) in results.items():
        per = f"  server CPU {cpu * 1000:.2f} ms/req" if cpu is not None else ""
        print(f"  {name:24s} {rate:7.0f} req/s  {ms(quantiles(latencies))}  errors {errors}{per}")
    vote, yardstick = results["workshop vote path"], results["bare FastAPI + 1 insert"]
    print(f"vote / bare throughput: {vote[0] / yardstick[0]:.2f} (target ≥ 0.50)")
    if vote[3] and yardstick[3]:
        # Robust to other load on the machine: the same ratio from server CPU per request.
        print(f"bare / vote server CPU per request: {yardstick[3] / vote[3]:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
