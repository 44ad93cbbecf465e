"""Benchmark: many meetings on one instance, every room acting at once (issue 14).

    .venv/bin/python -m benchmarks.many_rooms --database-url URL [--workers 4]
        [--workshops 20] [--tablets 50] [--votes 5]

A city or district server holds several meetings at the same time. This starts `workshop
serve` (a throw-away PostgreSQL database with --database-url and --workers; SQLite with
one process without) with `--workshops` workshops in the voting stage, `--votes`
proposals each. Then, with one asyncio client per tablet (its own cookies and CSRF token):

1. every tablet of every room presses 加入 in the same instant (W × T joins at once);
2. every tablet votes in the same instant: each supports its room's proposals one after
   another, all tablets at once (W × T × V votes); with --pace P a resident takes on
   average P seconds (uniform 0–2P) before each further tap, as people read the next
   card, instead of tapping again the moment the answer comes (the closed-loop worst case).

A 503 with Retry-After is resent after that many seconds with jitter, as the tablet's
resend queue does. Prints answers by status, resends, latency percentiles of joins and
votes, and checks that what is stored equals what was acknowledged. Target (issue 14):
PostgreSQL, 4 workers, 20 × 50 tablets: vote p95 < 250 ms, no 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter

from sqlalchemy import create_engine, text

from benchmarks.harness import ServerProcess, fresh_database, ms, quantiles
from tests.crowd import Answer, Resident, at_once, close_all, residents

# A join answers htmx with 204 + HX-Redirect, a plain form post with 303.
JOINED = (204, 303)

ROOMS = """
from datetime import date
from sqlalchemy import select
from workshop.accounts.models import Planner
from workshop.cli import _database, load_demo
from workshop.proposals.service import submit_proposal
from workshop.workshops.service import create_workshop, workshop_by_code
from workshop.workshops.stages import advance_stage
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    demo = workshop_by_code(db=db, code=code)
    planner = db.scalar(select(Planner).where(Planner.username == "demo"))
    for n in range({workshops}):
        ws = create_workshop(db=db, planner=planner, community_id=demo.community_id,
                             title=f"Room {{n + 1}}", on=date.today())
        advance_stage(db=db, workshop=ws)
        advance_stage(db=db, workshop=ws)
        for i in range({votes}):
            submit_proposal(db=db, workshop=ws, participant=None, title=f"提案 {{i + 1}}")
        advance_stage(db=db, workshop=ws)
        print(ws.join_code)
"""


def _rows(url: str, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def proposals_of(url: str, code: str) -> list[int]:
    sql = (
        "select p.id from proposal p join workshop w on w.id = p.workshop_id"
        " where w.join_code = :code order by p.id"
    )
    return [r[0] for r in _rows(url, sql, code=code)]


async def _join(person: Resident, code: str, n: int) -> Answer:
    answer = await person.post(f"/j/{code}", {"nickname": f"居民{n}", "consent": "true"})
    await person.page(f"/w/{code}")  # the page a joined tablet lands on (its token)
    return answer


async def _vote(person: Resident, code: str, ids: list[int], pace: float) -> list[Answer]:
    answers = []
    for n, pid in enumerate(ids):
        if n and pace:  # a resident reads the next proposal before tapping again
            await asyncio.sleep(random.uniform(0, 2 * pace))
        answers.append(await person.post(f"/w/{code}/proposals/{pid}/support", {"support": "true"}))
    return answers


async def meeting(base_url: str, rooms: dict[str, list[int]], tablets: int, pace: float) -> dict:
    seats = [(code, i) for code in rooms for i in range(tablets)]
    people = residents(base_url, len(seats))
    pairs = list(zip(people, seats, strict=True))
    try:
        await asyncio.gather(*(p.page(f"/j/{code}") for p, (code, _) in pairs))
        t0 = time.perf_counter()
        joins = await at_once([(lambda p=p, s=s: _join(p, *s)) for p, s in pairs])
        t1 = time.perf_counter()
        joined = [
            (p, code) for (p, (code, _)), a in zip(pairs, joins, strict=True) if a.status in JOINED
        ]
        votes = await at_once(
            [(lambda p=p, code=code: _vote(p, code, rooms[code], pace)) for p, code in joined]
        )
        t2 = time.perf_counter()
    finally:
        await close_all(people)
    return {
        "joins": joins,
        "votes": [a for per_tablet in votes for a in per_tablet],
        "join_wall": t1 - t0,
        "vote_wall": t2 - t1,
    }


def _report(kind: str, answers: list[Answer], wall: float, ok: tuple[int, ...]) -> None:
    statuses = Counter(a.status for a in answers)
    five = sum(c for s, c in statuses.items() if s >= 500)
    resent = sum(1 for a in answers if a.retries)
    if not answers:
        print(f"{kind}: none")
        return
    print(f"{kind}: {len(answers)}, all answered within {wall:.2f} s")
    print(f"  answers: {dict(sorted(statuses.items()))}; 5xx after resends: {five}")
    print(f"  first try 503 + Retry-After, then resent: {resent}")
    print(f"  latency (incl. resends): {ms(quantiles([a.seconds for a in answers]))}")
    acknowledged = sum(statuses.get(status, 0) for status in ok)
    print(f"  acknowledged: {acknowledged}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="", help="a throw-away PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--workshops", type=int, default=20)
    parser.add_argument("--tablets", type=int, default=50, help="per workshop")
    parser.add_argument("--votes", type=int, default=5, help="proposals per workshop")
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="mean seconds a resident takes between two taps (0: every tablet votes in a "
        "closed loop, the worst case; the first tap of every tablet is at once either way)",
    )
    args = parser.parse_args()

    url = fresh_database(args.database_url)
    import tempfile
    from pathlib import Path

    server = ServerProcess(
        Path(tempfile.mkdtemp(prefix="ws-bench-")), url, workers=args.workers, log_level="warning"
    )
    script = ROOMS.format(workshops=args.workshops, votes=args.votes)
    codes = server.cli("-c", script).split()[-args.workshops :]
    server.start(timeout=60)
    try:
        rooms = {code: proposals_of(url, code) for code in codes}
        assert all(rooms.values()), f"no proposals found for {codes}"
        result = asyncio.run(meeting(server.base_url, rooms, args.tablets, args.pace))
    finally:
        server.stop()
    backend = "SQLite" if url.startswith("sqlite") else f"PostgreSQL, {args.workers} workers"
    size = f"{args.workshops} workshops × {args.tablets} tablets × {args.votes} votes"
    if args.pace:
        size += f", {args.pace:g} s between taps on average"
    print(f"== {size} ({backend})")
    _report("joins", result["joins"], result["join_wall"], JOINED)
    _report("votes", result["votes"], result["vote_wall"], (200,))
    placeholders = ", ".join(f":c{i}" for i in range(len(codes)))
    params = {f"c{i}": c for i, c in enumerate(codes)}
    joined = _rows(
        url,
        "select count(*) from participant p join workshop w on w.id = p.workshop_id"
        f" where w.join_code in ({placeholders})",
        **params,
    )[0][0]
    stored = _rows(
        url,
        "select count(*) from vote v join proposal p on p.id = v.proposal_id"
        f" join workshop w on w.id = p.workshop_id where w.join_code in ({placeholders})"
        " and v.value = 1",
        **params,
    )[0][0]
    join_ok = sum(1 for a in result["joins"] if a.status in JOINED)
    vote_ok = sum(1 for a in result["votes"] if a.status == 200)
    print(
        f"stored: {joined} participants for {join_ok} acknowledged joins; "
        f"{stored} votes for {vote_ok} acknowledged votes"
    )
    print("acknowledged = stored" if (joined, stored) == (join_ok, vote_ok) else "MISMATCH")


if __name__ == "__main__":
    main()
