"""Benchmark: N tablets join and cast votes against the real server (SQLite default).

    .venv/bin/python benchmarks/vote_storm.py [--tablets 300] [--votes 10] [--threads 32]

Starts `workshop serve` on a free port with a fresh data folder, prepares the demo
workshop in the voting stage with `--votes` proposals, then every simulated tablet joins
and supports each proposal once. Prints throughput, latency percentiles, errors, and
checks that the stored vote rows equal the acknowledged votes (none lost or doubled).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict[str, str], n_proposals: int) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code = re.search(r"join code: (\w+)", out).group(1)
    script = f"""
from workshop.cli import _database
from workshop.proposals.service import submit_proposal
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
db_ = _database()
with db_.unit_of_work() as db:
    ws = workshop_by_code(db=db, code={code!r})
    advance_stage(db=db, workshop=ws)
    advance_stage(db=db, workshop=ws)
    for i in range({n_proposals}):
        submit_proposal(db=db, workshop=ws, participant=None, title=f"提案 {{i + 1}}")
    advance_stage(db=db, workshop=ws)
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    return code


def tablet(base: str, code: str, proposal_ids: list[int]) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = acknowledged = 0
    with httpx.Client(base_url=base, timeout=30) as c:
        r = c.post(f"/j/{code}", data={"consent": "true"})
        if r.status_code != 303:
            return latencies, 1, 0
        for pid in proposal_ids:
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
    parser.add_argument("--tablets", type=int, default=300)
    parser.add_argument("--votes", type=int, default=10)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ws-bench-"))
    port = free_port()
    env = os.environ | {"WORKSHOP_DATA_DIR": str(data)}
    code = prepare(env, args.votes)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workshop.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/join", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        ids = [
            row[0]
            for row in sqlite3.connect(data / "workshop.db").execute(
                "select id from proposal order by id"
            )
        ]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(lambda _: tablet(base, code, ids), range(args.tablets)))
        elapsed = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
    latencies = sorted(x for lat, _, _ in results for x in lat)
    errors = sum(e for _, e, _ in results)
    acknowledged = sum(a for _, _, a in results)
    stored = (
        sqlite3.connect(data / "workshop.db")
        .execute("select count(*) from vote where value = 1")
        .fetchone()[0]
    )
    q = statistics.quantiles(latencies, n=100)
    print(f"tablets {args.tablets} × votes {args.votes}, {args.threads} client threads")
    print(f"elapsed {elapsed:.1f} s (joins included); {len(latencies) / elapsed:.0f} votes/s")
    print(
        f"vote latency p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )
    print(
        f"errors {errors}; acknowledged {acknowledged}; stored {stored}; "
        f"lost or doubled {abs(stored - acknowledged)}"
    )


if __name__ == "__main__":
    main()
