"""Shared by the benchmarks: the real server in a child process, fresh databases, and
clients that behave like pages of the app (CSRF cookie and token)."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serverproc import ServerProcess, free_port, primed  # noqa: E402

__all__ = [
    "ServerProcess",
    "bare_server",
    "cpu_seconds",
    "primed",
    "fresh_database",
    "start_server",
    "quantiles",
    "ms",
]


def fresh_database(url: str) -> str:
    """Return a database URL with nothing in it: a new SQLite file, or PostgreSQL's
    public schema dropped and recreated (only ever point this at a throw-away database)."""
    if not url:
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='ws-bench-')) / 'workshop.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def start_server(url: str, *, workers: int = 1, proposals: int = 10) -> tuple[ServerProcess, str]:
    """Start `workshop serve` with the demo workshop in voting; return it and the code."""
    data = Path(tempfile.mkdtemp(prefix="ws-bench-"))
    server = ServerProcess(data, url, workers=workers, log_level="warning")
    code = server.voting_workshop(proposals)
    server.start(timeout=60)
    return server, code


def proposal_ids(url: str, code: str) -> list[int]:
    """The proposals of the workshop with join code `code` (the demo holds another one)."""
    engine = create_engine(url)
    stmt = text(
        "select p.id from proposal p join workshop w on w.id = p.workshop_id"
        " where w.join_code = :code order by p.id"
    )
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(stmt, {"code": code})]
    engine.dispose()
    return ids


def quantiles(values: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of `values`."""
    q = (
        statistics.quantiles(values, n=100, method="inclusive")
        if len(values) > 1
        else [values[0]] * 99
    )
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values)}


def ms(stats: dict[str, float]) -> str:
    return ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in stats.items())


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc; else None).
    Unlike req/s this hardly moves when other programs load the machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def bare_server() -> Iterator[tuple[str, int]]:
    """The yardstick (benchmarks/bare_app.py: FastAPI, one SQLite insert per POST
    /vote/{n}) in a uvicorn process on a free port, with a fresh database file.

    Yields its base URL and process id once it answers. A server that exits or does not
    answer within a minute ends the run with what it printed.
    """
    folder = Path(tempfile.mkdtemp(prefix="ws-bare-"))
    log_path = folder / "server.log"
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "benchmarks.bare_app:app", "--port", str(port)]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*command, "--log-level", "warning"],
            cwd=ROOT,
            env=os.environ | {"BARE_DB": str(folder / "bare.db"), "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(base + "/docs"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the bare server did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        try:
            yield base, proc.pid
        except httpx.TransportError as e:
            printed = log_path.read_text()
            raise SystemExit(f"the bare server failed: {e!r}\n{printed}") from e
    finally:
        proc.terminate()
        proc.wait(10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
