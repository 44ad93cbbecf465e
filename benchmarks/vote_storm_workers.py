"""Benchmark: the 300-tablet vote storm on PostgreSQL with several worker processes.

    .venv/bin/python benchmarks/vote_storm_workers.py --database-url URL [--workers 4]
        [--tablets 300] [--votes 8] [--threads 32]

URL must name a throw-away PostgreSQL database: its public schema is dropped and
recreated (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/workshop_bench). Without
--database-url it runs on a fresh SQLite file with one process, for comparison.
Every tablet joins, then supports each of the proposals once. Prints throughput, latency
percentiles, errors, and checks stored votes against acknowledged ones. Target
(docs/domain.md#targets): 300 tablets × 10 votes within 60 s, 0 errors, 0 lost or
doubled, p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from harness import fresh_database, ms, primed, proposal_ids, quantiles, start_server
from sqlalchemy import create_engine, text


def tablet(base: str, code: str, ids: list[int]) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = acknowledged = 0
    with contextlib.closing(primed(httpx.Client(base_url=base, timeout=30))) as c:
        if c.post(f"/j/{code}", data={"consent": "true"}).status_code != 303:
            return latencies, 1, 0
        for pid in ids:
            t0 = time.perf_counter()
            r = c.post(
                f"/w/{code}/proposals/{pid}/support",
                data={"support": "true"},
                headers={"HX-Request": "true"},
            )
            latencies.append(time.perf_counter() - t0)
            if r.status_code == 200:
                acknowledged += 1
            else:
                errors += 1
    return latencies, errors, acknowledged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="", help="a throw-away PostgreSQL database")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--tablets", type=int, default=300)
    parser.add_argument("--votes", type=int, default=10, help="proposals, one vote each")
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()
    url = fresh_database(args.database_url)
    workers = args.workers if url.startswith("postgresql") else 1
    server, code = start_server(url, workers=workers, proposals=args.votes)
    ids = proposal_ids(url, code)
    try:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(
                pool.map(lambda _: tablet(server.base_url, code, ids), range(args.tablets))
            )
        elapsed = time.perf_counter() - t0
    finally:
        server.stop()
    latencies = [x for lat, _, _ in results for x in lat]
    errors = sum(e for _, e, _ in results)
    acknowledged = sum(a for _, _, a in results)
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("select count(*) from vote where value = 1")).scalar_one()
        doubled = conn.execute(
            text(
                "select count(*) from (select participant_id, proposal_id from vote "
                "group by participant_id, proposal_id, round_id having count(*) > 1) d"
            )
        ).scalar_one()
    engine.dispose()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{backend}, {workers} worker(s); {args.tablets} tablets × {len(ids)} votes, "
        f"{args.threads} client threads"
    )
    print(f"elapsed {elapsed:.1f} s (joins included); {len(latencies) / elapsed:.0f} votes/s")
    print(f"vote latency {ms(quantiles(latencies))}")
    print(
        f"errors {errors}; acknowledged {acknowledged}; stored {stored}; "
        f"lost {max(acknowledged - stored, 0)}; doubled rows {doubled}"
    )


if __name__ == "__main__":
    main()
