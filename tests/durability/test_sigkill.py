"""Kill the real server with SIGKILL in the middle of a vote storm: nothing acknowledged
may be lost, nothing doubled (SQLite WAL with synchronous=NORMAL survives a process crash).
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from ..serverproc import ServerProcess

# The demo's finished meeting has proposals of its own: take the open workshop's only.
OPEN_PROPOSALS = (
    "select p.id from proposal p join workshop w on w.id = p.workshop_id "
    "where w.stage != 'closed' order by p.id"
)


def test_acknowledged_votes_survive_sigkill(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    url = settings.resolved_database_url()
    server = ServerProcess(tmp_path, url)
    code = server.voting_workshop()
    engine = create_engine(url)
    with engine.connect() as conn:
        proposal_ids = [r[0] for r in conn.execute(text(OPEN_PROPOSALS))]
    server.start()
    acknowledged: list[tuple[str, int]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def tablet(n: int) -> None:
        try:
            client = server.client(timeout=5)
        except httpx.HTTPError:
            return
        with contextlib.closing(client):
            try:
                if client.post(f"/j/{code}", data={"consent": "true"}).status_code != 303:
                    return
                token = client.cookies["ws_participant"]
                for pid in proposal_ids:
                    if stop.is_set():
                        return
                    r = client.post(
                        f"/w/{code}/proposals/{pid}/support",
                        data={"support": "true"},
                        headers={"HX-Request": "true"},
                    )
                    if r.status_code == 200:
                        with lock:
                            acknowledged.append((token, pid))
            except httpx.HTTPError:
                return  # the server died under us: unacknowledged, may or may not be stored

    threads = [threading.Thread(target=tablet, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acknowledged) >= 60, "the storm never got going"

    server.start()  # restart on the same port: the database must open cleanly
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "select p.id, v.proposal_id, count(*) from vote v "
                    "join participant p on p.id = v.participant_id where v.value = 1 "
                    "group by p.id, v.proposal_id"
                )
            ).all()
            by_token = dict(conn.execute(text("select token, id from participant")).all())
    finally:
        server.stop()
        engine.dispose()
    stored = {(pid_, prop) for pid_, prop, _n in rows}
    assert all(n == 1 for *_k, n in rows), "a vote was doubled"
    from itsdangerous import URLSafeSerializer

    secret = (tmp_path / "secret.key").read_text().strip()
    s = URLSafeSerializer(secret, salt="participant")
    missing = [(t, p) for t, p in acknowledged if (by_token[s.loads(t)["t"]], p) not in stored]
    assert missing == [], f"{len(missing)} acknowledged votes lost"
