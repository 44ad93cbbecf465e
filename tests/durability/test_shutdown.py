"""A stopped server leaves nothing running: the bundle import's worker process goes with it.

uvicorn re-raises the SIGTERM it caught once it has shut down, so the server process ends
by that signal and atexit handlers never run; the import's ProcessPoolExecutor worker
(spawned, waiting for work) was left behind after every server that had imported a bundle.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from ..serverproc import ServerProcess, log_in


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie waiting for its parent counts as gone
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def test_a_server_that_imported_a_bundle_leaves_no_process_behind(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    url = settings.resolved_database_url()
    server = ServerProcess(tmp_path, url)
    server.cli("demo")
    server.start()
    try:
        planner = log_in(server.client(timeout=60), "demo", "demo-planner")
        engine = create_engine(url)
        with engine.connect() as conn:
            finished = conn.execute(text("select id from workshop where stage = 'closed'")).scalar()
        engine.dispose()
        bundle = planner.get(f"/console/workshops/{finished}/bundle.zip").content
        answer = planner.post(
            "/console/bundles/import", files={"file": ("m.zip", bundle, "application/zip")}
        )
        assert answer.status_code == 303, answer.text
        assert server.proc is not None
        workers = _children(server.proc.pid)
        assert workers  # the import ran in a worker process of the server
        planner.close()
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, [pid for pid in workers if _alive(pid)]
        time.sleep(0.1)
