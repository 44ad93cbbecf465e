"""Several server processes on one PostgreSQL database: a live event raised in one
process reaches Server-Sent-Event clients connected to another (LISTEN/NOTIFY).
On SQLite, `workshop serve --workers 2` is refused with a clear message.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from ..conftest import TEST_DATABASE_URL
from ..serverproc import ServerProcess

postgres_only = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"), reason="several workers need PostgreSQL"
)
EVENT_WAIT_S = 10


class EventStream:
    """A tablet's SSE stream read in a thread; event names land in `events`."""

    def __init__(self, client: httpx.Client, path: str) -> None:
        self.events: queue.Queue[str] = queue.Queue()
        self._client = client
        self._thread = threading.Thread(target=self._read, args=(path,), daemon=True)
        self._thread.start()
        assert self.next_event() == "hello"

    def _read(self, path: str) -> None:
        try:
            with self._client.stream("GET", path, timeout=None) as response:
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        self.events.put(line.split(":", 1)[1].strip())
        except Exception:  # closed by the test, or the server went away
            return

    def next_event(self) -> str:
        return self.events.get(timeout=EVENT_WAIT_S)

    def wait_for(self, topic: str) -> None:
        """Return once `topic` arrives; fail after EVENT_WAIT_S."""
        deadline = time.monotonic() + EVENT_WAIT_S
        while (left := deadline - time.monotonic()) > 0:
            with contextlib.suppress(queue.Empty):
                if self.events.get(timeout=left) == topic:
                    return
        pytest.fail(f"no {topic!r} event within {EVENT_WAIT_S} s")

    def drain(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self.events.get_nowait()

    def close(self) -> None:
        self._client.close()


def _joined(server: ServerProcess, code: str) -> httpx.Client:
    client = server.client(timeout=10)
    assert client.post(f"/j/{code}", data={"consent": "true"}).status_code == 303
    return client


def _proposal_ids(url: str) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("select id from proposal order by id"))]
    engine.dispose()
    return ids


def _listeners(url: str) -> int:
    """Return how many LISTEN connections of the app are open and idle."""
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(
            text(
                "select count(*) from pg_stat_activity where application_name = 'workshop-live' "
                "and query like 'LISTEN%'"
            )
        ).scalar_one()
    engine.dispose()
    return int(n)


def _wait_listeners(url: str, n: int) -> None:
    deadline = time.monotonic() + 20
    while _listeners(url) != n:
        assert time.monotonic() < deadline, f"expected {n} live listeners"
        time.sleep(0.05)


def _support(client: httpx.Client, code: str, proposal_id: int, *, new_connection: bool) -> None:
    headers = {"HX-Request": "true"} | ({"Connection": "close"} if new_connection else {})
    r = client.post(
        f"/w/{code}/proposals/{proposal_id}/support", data={"support": "true"}, headers=headers
    )
    assert r.status_code == 200, r.text


@pytest.fixture
def two_servers(tmp_path: Path, settings) -> Iterator[tuple[ServerProcess, ServerProcess]]:  # type: ignore[no-untyped-def]
    url = settings.resolved_database_url()
    # One data folder: the same secret key, as two machines behind one proxy would share.
    a, b = ServerProcess(tmp_path, url), ServerProcess(tmp_path, url)
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


@postgres_only
def test_a_vote_on_one_process_reaches_a_stream_on_another(two_servers, settings):  # type: ignore[no-untyped-def]
    url = settings.resolved_database_url()
    a, b = two_servers
    code = a.voting_workshop()
    a.start()
    b.start()
    _wait_listeners(url, 2)
    proposals = _proposal_ids(url)
    stream = EventStream(_joined(a, code), f"/w/{code}/events")
    voter = _joined(b, code)
    try:
        stream.drain()
        _support(voter, code, proposals[0], new_connection=False)
        stream.wait_for("tally")

        # The LISTEN connection drops (database restart, network): it comes back by itself,
        # and events flow again.
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where application_name = 'workshop-live'"
                )
            )
        engine.dispose()
        _wait_listeners(url, 2)
        stream.wait_for("stage")  # after a reconnect, every client re-fetches everything
        time.sleep(0.3)
        stream.drain()
        _support(voter, code, proposals[1], new_connection=False)
        stream.wait_for("tally")
    finally:
        stream.close()
        voter.close()


@postgres_only
def test_serve_with_two_workers_fans_every_vote_out(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    url = settings.resolved_database_url()
    server = ServerProcess(tmp_path, url, workers=2)
    code = server.voting_workshop()
    server.start()
    try:
        _wait_listeners(url, 2)  # one LISTEN connection per worker process
        proposals = _proposal_ids(url)
        stream = EventStream(_joined(server, code), f"/w/{code}/events")
        voter = _joined(server, code)
        # Each vote on a new connection lands on either worker; every one must reach the
        # stream, whichever worker holds it.
        for proposal_id in proposals:
            stream.drain()
            _support(voter, code, proposal_id, new_connection=True)
            stream.wait_for("tally")
        stream.close()
        voter.close()
    finally:
        server.stop()
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("select count(*) from vote where value = 1")).scalar_one()
    engine.dispose()
    assert stored == len(proposals)


def test_several_workers_on_sqlite_are_refused(tmp_path: Path):
    server = ServerProcess(tmp_path, f"sqlite:///{tmp_path / 'workshop.db'}")
    done = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "serve", "--workers", "2", "--port", "1"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr and "SQLite" in done.stderr
