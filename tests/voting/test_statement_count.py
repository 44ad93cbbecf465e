"""How many SQL statements one tablet vote costs (a count, not a time): the vote path is
the hot path of a workshop (docs/domain.md#targets), so a change that adds queries must
say so here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event

from ..web.helpers import join
from .test_routes import _start, _voting

HX = {"HX-Request": "true"}


@contextmanager
def statements(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _count(database, tablet, url, data):  # type: ignore[no-untyped-def]
    with statements(database.engine) as seen:
        r = tablet.post(url, data=data, headers=HX)
    assert r.status_code == 200, r.text
    if os.environ.get("SHOW_SQL"):
        print(f"\n--- {url} {data}: {len(seen)}")
        for s in seen:
            print("   ", " ".join(s.split())[:160])
    return len(seen)


# SQLite: the unit's own SAVEPOINT and RELEASE (workshop.writer: a failed vote rolls back
# only itself; the batch's BEGIN IMMEDIATE, once per group commit, goes out on the raw
# cursor with the first statement and is not counted here); workshop + participant (one
# SELECT); round + proposal + the participant's vote (one SELECT); the vote row (INSERT or
# UPDATE); the audit chain's head and the hashed INSERT (chain.append_change hashes before
# inserting: no id in the hash).
# Dots add the budget read before the write and the dots-left read for the answer (taking
# a dot back skips the budget read).
# PostgreSQL has no BEGIN statement but locks the
# participant row, takes the chain's advisory lock and sends NOTIFY with the commit.
SQLITE = {
    ("approval", "new"): 7,
    ("approval", "change"): 7,
    ("dots", "new"): 9,
    ("dots", "change"): 9,
    ("dots", "take back"): 8,
    ("agree", "new"): 7,
    ("agree", "change"): 7,
}
# PostgreSQL: no savepoint; the row lock, the advisory lock and NOTIFY instead.
EXPECTED = {"sqlite": SQLITE, "postgresql": {key: n + 1 for key, n in SQLITE.items()}}


def test_statements_per_vote_are_pinned(client, planner_client, database):
    ws_id, code, (a, b, c) = _voting(database, planner_client.planner)
    tablet = TestClient(client.app)
    join(tablet, code)
    base = f"/w/{code}/proposals"
    seen = {
        ("approval", "new"): _count(database, tablet, f"{base}/{a}/support", {"support": "true"}),
        ("approval", "change"): _count(
            database, tablet, f"{base}/{a}/support", {"support": "false"}
        ),
    }
    _start(planner_client, ws_id, method="dots", dots_total="4", dots_per_proposal="2")
    seen["dots", "new"] = _count(database, tablet, f"{base}/{b}/vote", {"delta": "1"})
    seen["dots", "change"] = _count(database, tablet, f"{base}/{b}/vote", {"delta": "1"})
    seen["dots", "take back"] = _count(database, tablet, f"{base}/{b}/vote", {"delta": "-1"})
    _start(planner_client, ws_id, method="agree")
    seen["agree", "new"] = _count(database, tablet, f"{base}/{c}/vote", {"choice": "agree"})
    seen["agree", "change"] = _count(database, tablet, f"{base}/{c}/vote", {"choice": "pass"})
    assert seen == EXPECTED[database.engine.dialect.name]
