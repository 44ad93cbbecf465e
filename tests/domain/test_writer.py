"""The SQLite writer (workshop.writer): group commit, savepoints, admission, deadlines.

A real SQLite file; many units of work started in the same instant in one event loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.crowd import run_async
from workshop.db import Database
from workshop.errors import Busy


@pytest.fixture
def database(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with create_engine(url).begin() as conn:
        conn.execute(text("create table t (n integer primary key)"))
    db = Database(url, max_waiting=20, wait_s=5)
    yield db
    db.dispose()


def _rows(database: Database) -> list[int]:
    # A connection of its own: sees only what is committed.
    with create_engine(database.url).connect() as conn:
        return [r[0] for r in conn.execute(text("select n from t order by n"))]


async def _insert(database: Database, n: int, *, fail: bool = False) -> None:
    async with database.request_unit(write=True) as session:
        session.execute(text("insert into t (n) values (:n)"), {"n": n})
        if fail:
            raise ValueError("this unit fails after writing")
    # Acknowledged: the row is durable and visible to every other connection now.
    assert n in _rows(database)


def test_units_that_arrive_together_commit_together(database: Database):
    async def storm() -> None:
        await asyncio.gather(*(_insert(database, n) for n in range(1, 19)))

    run_async(storm())
    assert _rows(database) == list(range(1, 19))
    writer = database.writer
    assert writer is not None and writer.writes == 18
    assert writer.commits < writer.writes  # grouped: fewer COMMITs than units


def test_a_failing_unit_rolls_back_only_itself(database: Database):
    async def storm() -> list:
        units = [_insert(database, n, fail=(n == 5)) for n in range(1, 10)]
        return await asyncio.gather(*units, return_exceptions=True)

    outcome = run_async(storm())
    assert [type(o).__name__ for o in outcome] == ["NoneType"] * 4 + ["ValueError"] + [
        "NoneType"
    ] * 4
    assert _rows(database) == [1, 2, 3, 4, 6, 7, 8, 9]


def test_a_full_queue_is_refused_at_once_and_the_rest_complete(database: Database):
    async def storm() -> list:
        held = asyncio.Event()

        async def holder() -> None:
            async with database.request_unit(write=True) as session:
                session.execute(text("insert into t (n) values (0)"))
                await held.wait()

        first = asyncio.create_task(holder())
        await asyncio.sleep(0.05)
        waiting = [asyncio.create_task(_insert(database, n)) for n in range(1, 31)]
        await asyncio.sleep(0.05)
        held.set()
        await first
        return await asyncio.gather(*waiting, return_exceptions=True)

    outcome = run_async(storm())
    refused = [o for o in outcome if isinstance(o, Busy)]
    assert len(refused) == 10  # 30 arrived, 20 may wait
    assert all(o.params["retry_after"] >= 1 for o in refused)
    assert len(_rows(database)) == 1 + 20


def test_a_waiter_past_its_deadline_gives_up_and_the_writer_goes_on(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    with create_engine(url).begin() as conn:
        conn.execute(text("create table t (n integer primary key)"))
    database = Database(url, max_waiting=20, wait_s=0.2)

    async def storm() -> list:
        held = asyncio.Event()

        async def holder() -> None:
            async with database.request_unit(write=True) as session:
                session.execute(text("insert into t (n) values (0)"))
                await held.wait()

        first = asyncio.create_task(holder())
        await asyncio.sleep(0.05)
        late = await asyncio.gather(_insert(database, 1), return_exceptions=True)
        held.set()
        await first
        await _insert(database, 2)  # the writer was handed on, not leaked
        return late

    try:
        late = run_async(storm())
    finally:
        database.dispose()
    assert isinstance(late[0], Busy)
    assert _rows(database) == [0, 2]


def test_plain_threads_use_the_same_writer(database: Database):
    with database.unit_of_work() as session:
        session.execute(text("insert into t (n) values (7)"))
    run_async(_insert(database, 8))
    assert _rows(database) == [7, 8]
