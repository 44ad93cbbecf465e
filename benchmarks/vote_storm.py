"""Benchmark: N tablets join and cast votes against the real server (SQLite default).

    .venv/bin/python benchmarks/vote_storm.py [--tablets 300] [--votes 10] [--threads 32]
                                              [--methods approval,dots,agree] [--streams 300]

Starts `workshop serve` on a free port with a fresh data folder and the demo workshop in
the voting stage with `--votes` proposals. For each voting method it opens a round, then
every simulated tablet (its own HTTP client and cookies) joins and casts `--votes` votes:
approval — support each proposal; dots — one "+" on each (N = votes, k = 3);
agree — agree / disagree / pass in turn. Then the same load runs against a bare FastAPI
endpoint doing one SQLite insert per request. Prints latency percentiles, errors,
throughput against the bare endpoint, and checks that what is stored equals what was
acknowledged (none lost or doubled). With `--streams N` (default 300) it also opens N
Server-Sent-Event streams and times 60 single votes from the request to their "tally"
event on a projector's stream.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from harness import bare_server, primed

HX = {"HX-Request": "true"}
CHOICES = ("agree", "disagree", "pass")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_py(env: dict[str, str], script: str) -> None:
    subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env, check=True)


def prepare(env: dict[str, str], n_proposals: int) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code = re.search(r"join code: (\w+)", out).group(1)
    run_py(
        env,
        f"""
        from workshop.cli import _database
        from workshop.proposals.service import submit_proposal
        from workshop.workshops.service import workshop_by_code
        from workshop.workshops.stages import advance_stage
        with _database().unit_of_work() as db:
            ws = workshop_by_code(db=db, code={code!r})
            advance_stage(db=db, workshop=ws)
            advance_stage(db=db, workshop=ws)
            for i in range({n_proposals}):
                submit_proposal(db=db, workshop=ws, participant=None, title=f"提案 {{i + 1}}")
            advance_stage(db=db, workshop=ws)
        """,
    )
    return code


def start_round(env: dict[str, str], code: str, method: str, dots: int) -> int:
    run_py(
        env,
        f"""
        from workshop.cli import _database
        from workshop.proposals.service import close_round, start_round
        from workshop.workshops.service import workshop_by_code
        with _database().unit_of_work() as db:
            ws = workshop_by_code(db=db, code={code!r})
            close_round(db=db, workshop=ws)
            start_round(db=db, workshop=ws, method={method!r}, dots_total={dots},
                        dots_per_proposal={min(3, dots)})
        """,
    )
    return 0


def vote_request(method: str, code: str, pid: int, i: int) -> tuple[str, dict[str, str]]:
    if method == "approval":
        return f"/w/{code}/proposals/{pid}/support", {"support": "true"}
    if method == "dots":
        return f"/w/{code}/proposals/{pid}/vote", {"delta": "1"}
    return f"/w/{code}/proposals/{pid}/vote", {"choice": CHOICES[i % 3]}


Result = tuple[list[float], int, int]


def tablet(base: str, code: str, method: str, ids: list[int]) -> Result:
    latencies: list[float] = []
    errors = acknowledged = 0
    # A page of the app first: the client holds the CSRF cookie and sends its token.
    with contextlib.closing(primed(httpx.Client(base_url=base, timeout=30))) as c:
        r = c.post(f"/j/{code}", data={"consent": "true"})
        if r.status_code != 303:
            return latencies, 1, 0
        for i, pid in enumerate(ids):
            url, data = vote_request(method, code, pid, i)
            t0 = time.perf_counter()
            r = c.post(url, data=data, headers=HX)
            latencies.append(time.perf_counter() - t0)
            if r.status_code == 200:
                acknowledged += 1
            else:
                errors += 1
    return latencies, errors, acknowledged


def bare_tablet(base: str, votes: int) -> Result:
    latencies: list[float] = []
    errors = acknowledged = 0
    with httpx.Client(base_url=base, timeout=30) as c:
        for i in range(votes):
            t0 = time.perf_counter()
            r = c.post(f"/vote/{i % 8}", data={"support": str(i % 2 == 0).lower()})
            latencies.append(time.perf_counter() - t0)
            if r.status_code == 200:
                acknowledged += 1
            else:
                errors += 1
    return latencies, errors, acknowledged


def wait_up(url: str) -> None:
    for _ in range(150):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def storm(threads: int, n: int, job: Callable[[], Result]) -> tuple[list[Result], float]:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda _: job(), range(n)))
    return results, time.perf_counter() - t0


def report(name: str, results: list[Result], elapsed: float) -> tuple[float, int]:
    latencies = sorted(x for lat, _, _ in results for x in lat)
    errors = sum(e for _, e, _ in results)
    acknowledged = sum(a for _, _, a in results)
    q = statistics.quantiles(latencies, n=100)
    rate = len(latencies) / elapsed
    print(
        f"{name:9s} {len(latencies)} requests in {elapsed:.1f} s (joins included): "
        f"{rate:.0f}/s; p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
        f"p99 {q[98] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; errors {errors}"
    )
    return rate, acknowledged


def stored(db: Path, method: str) -> int:
    with sqlite3.connect(db) as c:
        round_id = c.execute("select max(id) from voting_round").fetchone()[0]
        if method == "dots":
            sql = "select coalesce(sum(value), 0) from vote where round_id = ?"
        elif method == "approval":
            sql = "select count(*) from vote where round_id = ? and value = 1"
        else:
            sql = "select count(*) from vote where round_id = ?"
        return c.execute(sql, (round_id,)).fetchone()[0]


async def sse_latency(base: str, code: str, ws_id: int, pid: int, streams: int, probes: int):
    """Time from sending a vote to its "tally" event on a console stream, while `streams`
    other event streams are connected (as tablets and projectors would be)."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with (
        httpx.AsyncClient(base_url=base, timeout=None, limits=limits) as planner,
        httpx.AsyncClient(base_url=base, timeout=30) as probe,
    ):
        await planner.post("/login", data={"username": "demo", "password": "demo-planner"})
        arrived = asyncio.Event()
        opened = failed = 0

        async def listen(watch: bool) -> None:
            nonlocal opened, failed
            url = f"/console/workshops/{ws_id}/events"
            async with planner.stream("GET", url) as response:
                if response.status_code != 200:
                    failed += 1
                    return
                opened += 1
                async for line in response.aiter_lines():
                    if watch and line.startswith("event: tally"):
                        arrived.set()

        # Streams connect in batches of 10, as tablets arriving in a room would: opening
        # hundreds in the same instant exhausts the SQLite connection pool (see README).
        tasks = [asyncio.create_task(listen(True))]
        for i in range(streams):
            tasks.append(asyncio.create_task(listen(False)))
            if i % 10 == 9:
                await asyncio.sleep(0.2)
        while opened + failed < streams + 1:
            await asyncio.sleep(0.05)
        await probe.post(f"/j/{code}", data={"consent": "true"})
        latencies = []
        for i in range(probes):
            arrived.clear()
            t0 = time.perf_counter()
            choice = "agree" if i % 2 == 0 else "disagree"  # every probe changes the vote
            r = await probe.post(
                f"/w/{code}/proposals/{pid}/vote", data={"choice": choice}, headers=HX
            )
            await asyncio.wait_for(arrived.wait(), timeout=10)
            if r.status_code == 200:
                latencies.append(time.perf_counter() - t0)
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    q = statistics.quantiles(sorted(latencies), n=100)
    print(
        f"vote → projector event ({opened - 1} other streams open, {failed} refused, "
        f"{len(latencies)} probes): "
        f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms (target p95 < 500 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tablets", type=int, default=300)
    parser.add_argument("--votes", type=int, default=10)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--methods", default="approval,dots,agree")
    parser.add_argument("--streams", type=int, default=300, help="open SSE streams (0: skip)")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ws-bench-"))
    env = os.environ | {"WORKSHOP_DATA_DIR": str(data)}
    code = prepare(env, args.votes)
    port = free_port()
    serve = [sys.executable, "-m", "workshop.cli", "serve", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*serve, "--port", str(port), "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    print(f"tablets {args.tablets} × votes {args.votes}, {args.threads} client threads, SQLite")
    rates: dict[str, float] = {}
    try:
        wait_up(base + "/join")
        with sqlite3.connect(data / "workshop.db") as c:
            # The open workshop's proposals only (the demo also holds a finished meeting).
            ids = [
                row[0]
                for row in c.execute(
                    "select p.id from proposal p join workshop w on w.id = p.workshop_id"
                    " where w.join_code = ? order by p.id",
                    (code,),
                )
            ]
        for method in args.methods.split(","):
            start_round(env, code, method, dots=args.votes)
            results, elapsed = storm(
                args.threads, args.tablets, lambda m=method: tablet(base, code, m, ids)
            )
            rates[method], acknowledged = report(method, results, elapsed)
            kept = stored(data / "workshop.db", method)
            print(
                f"{'':9s} acknowledged {acknowledged}; stored {kept}; "
                f"lost or doubled {abs(kept - acknowledged)}"
            )
        if args.streams:
            start_round(env, code, "agree", dots=args.votes)
            with sqlite3.connect(data / "workshop.db") as c:
                ws_id = c.execute("select id from workshop where join_code = ?", (code,)).fetchone()
            asyncio.run(sse_latency(base, code, ws_id[0], ids[0], args.streams, probes=60))
    finally:
        server.terminate()
        server.wait(10)

    with bare_server() as (bare_base, _):
        results, elapsed = storm(
            args.threads, args.tablets, lambda: bare_tablet(bare_base, args.votes)
        )
        bare_rate, _ = report("bare", results, elapsed)
    for method, rate in rates.items():
        print(f"throughput {method} ÷ bare insert endpoint: {rate / bare_rate:.2f} (target ≥ 0.5)")


if __name__ == "__main__":
    main()
