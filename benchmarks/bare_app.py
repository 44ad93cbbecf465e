"""The yardstick: a bare FastAPI app whose one endpoint does one SQLite insert.

Same settings as the workshop's SQLite (WAL, synchronous=NORMAL, busy timeout), a plain
`def` route, one connection per worker thread. Started by harness.bare_server (for
vote_vs_bare.py and vote_storm.py) as
`uvicorn benchmarks.bare_app:app`; BARE_DB names the file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Annotated

from fastapi import FastAPI, Form
from fastapi.responses import PlainTextResponse

PATH = os.environ.get("BARE_DB", "bare.db")
_local = threading.local()
app = FastAPI()


def _conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(PATH, isolation_level=None, timeout=30)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
    return conn


def _create() -> None:
    """The file, WAL mode and the table, once at import (not raced by the first threads)."""
    conn = sqlite3.connect(PATH, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS vote (id INTEGER PRIMARY KEY, proposal INTEGER, value INTEGER)"
    )
    conn.close()


_create()


@app.post("/vote/{proposal}")
def vote(proposal: int, support: Annotated[bool, Form()]) -> PlainTextResponse:
    _conn().execute("INSERT INTO vote (proposal, value) VALUES (?, ?)", (proposal, int(support)))
    return PlainTextResponse("ok")
