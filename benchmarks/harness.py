"""Shared by the benchmarks: the real server in a child process, fresh databases, and
clients that behave like pages of the app (CSRF cookie and token)."""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serverproc import ServerProcess, primed  # noqa: E402

__all__ = ["ServerProcess", "primed", "fresh_database", "start_server", "quantiles", "ms"]


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
