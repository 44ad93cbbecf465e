"""Several server processes on one PostgreSQL database: a live event raised in one
process reaches Server-Sent-Event clients connected to another (LISTEN/NOTIFY).
On SQLite, `workshop serve --workers 2` is refused with a clear message.
"""

from __future__ import annotations

import contextlib
import os
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

from workshop.live.broker import TOPICS

from ..conftest import TEST_DATABASE_URL
from ..serverproc import ServerProcess

# The demo's finished meeting has proposals of its own: take the open workshop's only.
OPEN_PROPOSALS = (
    "select p.id from proposal p join workshop w on w.id = p.workshop_id "
    "where w.stage != 'closed' order by p.id"
)


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
                sock = response.extensions["network_stream"].get_extra_info("socket")
                self.local_port = sock.getsockname()[1]
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
        ids = [r[0] for r in conn.execute(text(OPEN_PROPOSALS))]
    engine.dispose()
    return ids


def _listeners(url: str) -> int:
    """Return how many LISTEN connections of the app are open and idle."""
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(
            text(
                "select count(*) from pg_stat_activity where application_name = 'workshop-live' "
                "and query like 'LISTEN%' and datname = current_database()"
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
        # After a reconnect, every client re-fetches everything: each topic, in order.
        for topic in TOPICS:
            stream.wait_for(topic)
        stream.drain()
        _support(voter, code, proposals[1], new_connection=False)
        stream.wait_for("tally")
    finally:
        stream.close()
        voter.close()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _process_serving(server_port: int, client_port: int, candidates: list[int]) -> int:
    """Return which of `candidates` holds the server end of a TCP connection (Linux /proc)."""
    inode = ""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote = (int(a.split(":")[1], 16) for a in parts[1:3])
        if (local, remote) == (server_port, client_port):
            inode = parts[9]
    assert inode, "connection not found"
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
    raise AssertionError("no worker holds the stream")


@postgres_only
def test_a_vote_on_one_worker_reaches_a_stream_held_by_another(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    import psycopg

    from workshop.live.broker import CHANNEL, conninfo

    url = settings.resolved_database_url()
    server = ServerProcess(tmp_path, url, workers=2)
    code = server.voting_workshop()
    server.start()
    listen = psycopg.connect(conninfo(url), autocommit=True)
    listen.execute(f"LISTEN {CHANNEL}")
    try:
        _wait_listeners(url, 2)  # one LISTEN connection per worker
        workers = _children(server.proc.pid)
        assert len(workers) >= 2, workers  # the workers (and a multiprocessing helper)
        proposals = _proposal_ids(url)
        stream = EventStream(_joined(server, code), f"/w/{code}/events")
        stream_worker = _process_serving(server.port, stream.local_port, workers)
        voter = _joined(server, code)
        senders = []
        # Each vote on a new connection lands on either worker: vote until one lands on
        # the worker that does not hold the stream. Every vote's event must arrive.
        for n in range(60):
            stream.drain()
            for _ in listen.notifies(timeout=0.01):
                pass
            _support(voter, code, proposals[n % len(proposals)], new_connection=True)
            notes = list(listen.notifies(timeout=EVENT_WAIT_S, stop_after=1))
            stream.wait_for("tally")  # every vote's event reaches the stream
            if not notes:  # this test's own listener missed which process sent it: next
                continue
            senders.append(int(notes[0].payload.split()[0]))  # "<pid> <workshop> <topic>"
            if senders[-1] != stream_worker:
                break
        stream.close()
        voter.close()
    finally:
        listen.close()
        server.stop()
    assert set(senders) <= set(workers)
    assert senders and senders[-1] != stream_worker, "every vote landed on the stream's own worker"


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
