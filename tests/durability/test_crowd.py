"""A room that acts at once (issue 14): counts, never times.

The cause of the old stall, and the guard against its return: write routes took SQLite's
writer lock inside a *sync generator* dependency, whose enter and exit each ran on a
threadpool thread; a burst filled the 40 threads with waiters, the holder could not get
a thread to commit, and everything waited 30 s. Now waiting happens in the event loop
(workshop.writer). The first test fails if any route gets a sync generator dependency
again; the others push more simultaneous requests than the threadpool (40), the writer's
batch (64) or the PostgreSQL pool (10) holds, through a real server, on both databases.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path

from fastapi.routing import APIRoute
from sqlalchemy import create_engine, text

from tests.crowd import run_async
from workshop.deps import get_db

from ..crowd import Answer, at_once, close_all, join_all, residents
from ..serverproc import ServerProcess

SETUP = """
from shapely.geometry import shape
from workshop.cli import _database, load_demo
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    ws = workshop_by_code(db=db, code=code)
    advance_stage(db=db, workshop=ws)  # welcome -> asset mapping
    point = shape(ws.community.boundary).representative_point()
print(code, point.x, point.y)
"""

TO_VOTING = """
import sys
from workshop.cli import _database
from workshop.proposals.service import submit_proposal
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
database = _database()
with database.unit_of_work() as db:
    ws = workshop_by_code(db=db, code=sys.argv[1])
    advance_stage(db=db, workshop=ws)  # -> proposals
    for i in range(3):
        submit_proposal(db=db, workshop=ws, participant=None, title=f"提案 {i + 1}")
    advance_stage(db=db, workshop=ws)  # -> voting
"""


def _dependency_calls(dependant) -> list:  # type: ignore[no-untyped-def]
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found.extend(_dependency_calls(sub))
    return found


def test_no_route_waits_for_the_database_in_a_sync_generator_dependency(app):  # type: ignore[no-untyped-def]
    assert inspect.isasyncgenfunction(get_db)
    offenders = set()
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for call in _dependency_calls(route.dependant):
            if inspect.isgeneratorfunction(call):
                offenders.add(f"{route.path}: {call.__module__}.{call.__qualname__}")
    assert not offenders, offenders


def test_routes_never_open_a_blocking_unit_of_work():
    # `Database.unit_of_work` waits in the calling thread: for the CLI, jobs and tests only.
    package = Path(__file__).resolve().parents[2] / "workshop"
    # ratelimit.py: on PostgreSQL only (no writer to wait for), for wrong codes only.
    allowed = {"cli.py", "db.py", "demo.py", "backup.py", "migrate.py", "ratelimit.py"}
    users = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name not in allowed and re.search(r"\.unit_of_work\(", path.read_text())
    }
    assert not users, users


def _statuses(answers: list[Answer]) -> Counter:
    return Counter(a.status for a in answers)


def _count(url: str, sql: str, **params: object) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


async def _room(server: ServerProcess, code: str, lon: float, lat: float, url: str) -> dict:
    people = residents(server.base_url, 200)
    try:
        joins = await join_all(people, code, groups=["老年居民", "中青年居民", ""])

        # 100 writes of mixed kinds at once: pins, +1s on the first pin, edits of own pins.
        first = await people[0].post(
            f"/w/{code}/assets",
            json={"asset_class": "social", "name": "活动室", "lon": lon, "lat": lat},
        )
        asset_id = _count(url, "select max(id) from asset")

        def pin(i: int):  # type: ignore[no-untyped-def]
            body = {"asset_class": "ecological", "name": f"绿地{i}", "lon": lon, "lat": lat}
            return lambda: people[i].post(f"/w/{code}/assets", json=body)

        def plus_one(i: int):  # type: ignore[no-untyped-def]
            return lambda: people[i].post(f"/w/{code}/assets/{asset_id}/support")

        calls = [pin(i) for i in range(1, 61)] + [plus_one(i) for i in range(61, 101)]
        mixed = await at_once(calls)

        server.cli("-c", TO_VOTING, code)
        proposal = _count(
            url,
            "select min(p.id) from proposal p join workshop w on w.id = p.workshop_id"
            " where w.join_code = :code",
            code=code,
        )
        votes = await at_once(
            [
                (lambda p=p: p.post(f"/w/{code}/proposals/{proposal}/support", {"support": "true"}))
                for p in people
            ]
        )
        return {"joins": joins, "first": first, "mixed": mixed, "votes": votes}
    finally:
        await close_all(people)


def test_a_room_joining_pinning_and_voting_at_once_loses_nothing(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    url = settings.resolved_database_url()
    server = ServerProcess(tmp_path, url, log_level="warning")
    code, lon, lat = server.cli("-c", SETUP).split()
    server.start(timeout=60)
    try:
        result = run_async(_room(server, code, float(lon), float(lat), url))
    finally:
        server.stop()
    log = server.log_path.read_text()

    joins, mixed, votes = result["joins"], result["mixed"], result["votes"]
    assert all(a.status < 400 for a in joins), (_statuses(joins), log[-3000:])
    assert result["first"].status == 201
    assert _statuses(mixed) == Counter({201: 60, 200: 40}), (_statuses(mixed), log[-3000:])
    assert _statuses(votes) == Counter({200: 200}), (_statuses(votes), log[-3000:])

    workshop = "(select id from workshop where join_code = :code)"
    assert (
        _count(url, f"select count(*) from participant where workshop_id = {workshop}", code=code)
        == 200
    )
    assert (
        _count(url, f"select count(*) from asset where workshop_id = {workshop}", code=code) == 61
    )
    supports = "select count(*) from asset_support s join asset a on a.id = s.asset_id"
    assert _count(url, f"{supports} where a.workshop_id = {workshop}", code=code) == 40
    assert (
        _count(
            url,
            f"select count(*) from vote v join proposal p on p.id = v.proposal_id"
            f" where p.workshop_id = {workshop}",
            code=code,
        )
        == 200
    )
    assert "Traceback" not in log
    # The vote chain was written in commit order: it verifies (exit 0, or check=True raises).
    server.cli("verify")
