"""Time a large workshop bundle: export, verify, import; and other requests during an import.

    python -m benchmarks.bundle [--participants 300] [--changes 20000] [--proposals 40]
                                [--no-server]

A meeting of 300 participants and 20,000 vote changes (hash-chained, a finalised record
sealing the chain head) is exported from one fresh SQLite database (signed), verified from
the file alone (`workshop verify --bundle`), and imported into another. Then the real
server (`workshop serve`, one worker) imports the same bundle through the console upload
while a client keeps loading another page: its latencies during the import are printed.
Targets (issue 16): import <= 10 s; other requests' p95 during it <= 100 ms.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.harness import ServerProcess, ms, quantiles
from benchmarks.report import fresh_database
from tests.reports.seed import seed_workshop
from tests.serverproc import log_in
from workshop.accounts.models import Planner
from workshop.assessments import versions
from workshop.audit.chain import vote_chain_head
from workshop.audit.checks import verify_bundle_tables
from workshop.audit.payloads import ChainRows, change_payload, sha256_of
from workshop.bundle import export_bundle, keys
from workshop.bundle.service import import_prepared, prepare_import, read_signed_bundle
from workshop.db import Database, utcnow
from workshop.proposals.models import Proposal, Vote, VoteChange, VotingRound
from workshop.workshops.models import Participant, Workshop


def build(database: Database, args: argparse.Namespace) -> int:
    """A closed meeting with `args.changes` vote changes, written in bulk (hashes as the vote
    path computes them), and a finalised record sealing the chain head."""
    rng = random.Random(16)
    with database.unit_of_work() as db:
        ws = seed_workshop(db, n_assets=200, n_proposals=1, n_participants=args.participants)
        lead = db.get(Planner, ws.planner_id)
        extra = [Proposal(workshop_id=ws.id, title=f"提案{i}") for i in range(args.proposals - 1)]
        db.add_all(extra)
        db.flush()
        voting_round = db.scalar(select(VotingRound).where(VotingRound.workshop_id == ws.id))
        people = list(db.scalars(select(Participant.id).where(Participant.workshop_id == ws.id)))
        proposals = list(db.scalars(select(Proposal.id).where(Proposal.workshop_id == ws.id)))
        rows = ChainRows(ws.id, [], [], [])
        rows.load_lookups(db, {lead.id})
        votes = {
            (v.proposal_id, v.participant_id): v
            for v in db.scalars(select(Vote).where(Vote.round_id == voting_round.id))
        }
        current = {k: v.value for k, v in votes.items()}
        prev = vote_chain_head(db, ws.id)
        written = db.scalar(select(func.count()).where(VoteChange.workshop_id == ws.id))
        batch = []
        for _ in range(args.changes - written):
            key = (rng.choice(proposals), rng.choice(people))
            old = current.get(key)
            new = 0 if old == 1 else 1
            source = rng.choice(("tablet", "tablet", "tablet", "paper", "assisted"))
            change = {
                "round_id": voting_round.id,
                "proposal_id": key[0],
                "participant_id": key[1],
                "old_value": old,
                "new_value": new,
                "source": source,
                "planner_id": lead.id if source != "tablet" else None,
                "created_at": utcnow(),
                "workshop_id": ws.id,
                "prev_hash": prev,
            }
            change["entry_hash"] = prev = sha256_of(change_payload(change, rows))
            batch.append(change)
            current[key] = new
        db.execute(VoteChange.__table__.insert(), batch)
        last_source = {(c["proposal_id"], c["participant_id"]): c["source"] for c in batch}
        for key, value in current.items():
            if key in votes:
                vote = votes[key]
                vote.value = value
                vote.source = last_source.get(key, vote.source)
            else:
                db.add(
                    Vote(
                        round_id=voting_round.id,
                        proposal_id=key[0],
                        participant_id=key[1],
                        value=value,
                        source=last_source[key],
                    )
                )
        db.flush()
        versions.finalise(db=db, workshop=ws, planner=lead)
        return ws.id


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - t0:.2f} s")
    return result


def in_process(folder: Path, args: argparse.Namespace) -> bytes:
    keys.activate(folder / "laptop")
    source, target = fresh_database(folder, "a.db"), fresh_database(folder, "b.db")
    ws_id = timed("build the meeting", lambda: build(source, args))
    with source.unit_of_work(write=False) as db:
        bundle = timed("export", lambda: export_bundle(db, db.get(Workshop, ws_id)))
    counts = bundle.manifest["counts"]
    print(
        f"  {len(bundle.data) / 1e6:.2f} MB; {counts['participant']} participants, "
        f"{counts['vote_change']} vote changes, {counts['vote']} votes, "
        f"{counts['asset']} assets, {counts['photos']} photos"
    )

    def verify() -> None:
        _m, tables, _p, signer = read_signed_bundle(bundle.data)
        checked, problems = verify_bundle_tables(tables)
        assert not problems and signer is not None, problems[:3]

    timed("verify --bundle (no database)", verify)
    t0 = time.perf_counter()
    prepared = prepare_import(bundle.data)
    t1 = time.perf_counter()
    with target.unit_of_work() as db:
        done = import_prepared(db, prepared)
    t2 = time.perf_counter()
    assert done.created
    print(
        f"import: {t2 - t0:.2f} s (read and verify {t1 - t0:.2f} s, no writer held; "
        f"write and commit {t2 - t1:.2f} s, holding the writer)"
    )
    source.dispose()
    target.dispose()
    return bundle.data


def during_upload(folder: Path, data: bytes) -> None:
    """Other requests' latency while the server imports the bundle (one worker)."""
    server = ServerProcess(folder / "server", "", log_level="warning")
    (folder / "server").mkdir(exist_ok=True)
    server.cli("create-planner", "bench", "--password", "bench-planner-pw")
    server.start(timeout=60)
    try:
        with closing(server.client(timeout=120)) as planner:
            log_in(planner, "bench", "bench-planner-pw")
            latencies: list[float] = []
            stop = threading.Event()

            def load() -> None:
                with closing(server.client(timeout=30)) as other:
                    deadline = time.monotonic() + 120  # bounded, whatever happens
                    while not stop.is_set() and time.monotonic() < deadline:
                        t0 = time.perf_counter()
                        other.get("/join")
                        latencies.append(time.perf_counter() - t0)
                        time.sleep(0.02)

            baseline_thread = threading.Thread(target=load)
            baseline_thread.start()
            time.sleep(2)
            stop.set()
            baseline_thread.join()
            print(f"other requests before the upload: {ms(quantiles(latencies))}")
            latencies.clear()
            stop.clear()
            loader = threading.Thread(target=load)
            loader.start()
            t0 = time.perf_counter()
            response = planner.post(
                "/console/bundles/import",
                files={"file": ("m.zip", data, "application/zip")},
                follow_redirects=False,
            )
            upload_s = time.perf_counter() - t0
            stop.set()
            loader.join()
            print(f"upload + import over HTTP: {upload_s:.2f} s (status {response.status_code})")
            if latencies:
                print(f"other requests during it ({len(latencies)}): {ms(quantiles(latencies))}")
            else:
                print("other requests during it: none (the upload ended first)")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--proposals", type=int, default=40)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ws-bench-bundle-"))
    try:
        data = in_process(folder, args)
        if not args.no_server:
            during_upload(folder, data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
