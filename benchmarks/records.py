"""How long the records take for a large workshop; prints numbers, asserts nothing.

    .venv/bin/python benchmarks/records.py [--assets 2000] [--proposals 200] [--voters 300]

Builds a throw-away SQLite database: one closed workshop with that many assets, proposals
and approval voters (each supports 10 proposals), then times the record's content, the
record page, finalising, and a planner's yearly points over 500 log entries.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, demo_centre, make_planner, make_workshop
from workshop.app import create_app
from workshop.assessments import versions
from workshop.assessments.service import build_content, latest_record
from workshop.assets.models import Asset
from workshop.config import Settings
from workshop.proposals.models import Proposal, Vote
from workshop.proposals.service import current_round
from workshop.service_log.models import ServiceLogEntry
from workshop.service_log.yearly import year_summary
from workshop.workshops.models import Participant
from workshop.workshops.stages import advance_stage


def timed(label: str, fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<42} {best * 1000:8.1f} ms (best of {repeat})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--voters", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(
        data_dir=tmp, database_url=f"sqlite:///{tmp / 'b.db'}", secret_key="benchmark-key-x"
    )
    app = create_app(settings)
    db_ = app.state.db
    with db_.unit_of_work() as db:
        planner = make_planner(db, username="bench", title="senior")
        ws = make_workshop(db, stage="voting", planner=planner)
        lon, lat = demo_centre()
        groups = ws.resident_groups
        db.add_all(
            Asset(workshop_id=ws.id, asset_class=rng.choice(["ecological", "cultural", "social",
                  "human"]), name=f"资产{i}", geometry={"type": "Point", "coordinates": [lon, lat]})
            for i in range(args.assets)
        )  # fmt: skip
        proposals = [Proposal(workshop_id=ws.id, title=f"提案{i}") for i in range(args.proposals)]
        people = [
            Participant(workshop_id=ws.id, token=f"t{i}", group=rng.choice(groups))
            for i in range(args.voters)
        ]
        db.add_all(proposals + people)
        db.flush()
        round_id = current_round(db=db, workshop=ws).id
        db.add_all(
            Vote(round_id=round_id, proposal_id=p.id, participant_id=who.id, value=1)
            for who in people
            for p in rng.sample(proposals, min(10, len(proposals)))
        )
        advance_stage(db=db, workshop=ws)
        advance_stage(db=db, workshop=ws)
        start = date(2024, 1, 1)
        db.add_all(
            ServiceLogEntry(planner_id=planner.id, community_id=ws.community_id,
                            date=start + timedelta(days=i * 2), hours=2.0,
                            work_function=rng.choice(["communication", "concept_promotion"]))
            for i in range(500)
        )  # fmt: skip
        ws_id = ws.id
    print(f"{args.assets} assets, {args.proposals} proposals, {args.voters} voters × 10 supports")
    with db_.unit_of_work(write=False) as db:
        from workshop.workshops.models import Workshop

        ws = db.get(Workshop, ws_id)
        timed("build_content (whole record)", lambda: build_content(db=db, workshop=ws))
        record = latest_record(db=db, workshop=ws)
        timed("current_content (draft + live sections)",
              lambda: versions.current_content(db=db, workshop=ws, record=record))  # fmt: skip
        timed("year_summary 2026 (500 entries, 3 years)",
              lambda: year_summary(db=db, planner=ws.planner, year=2026))  # fmt: skip
    with TestClient(app) as client:
        client.post("/login", data={"username": "bench", "password": PASSWORD})
        page = timed(
            "GET record page", lambda: client.get(f"/console/workshops/{ws_id}/assessment")
        )
        print(f"{'record page size':<42} {len(page.content) / 1024:8.1f} KiB")
        timed("GET points page", lambda: client.get("/console/points?year=2026"))
        timed("GET service-log.xlsx (all years)", lambda: client.get("/console/service-log.xlsx"))
        finalise = f"/console/workshops/{ws_id}/assessment/finalise"
        timed("POST finalise", lambda: client.post(finalise), 1)
    db_.dispose()


if __name__ == "__main__":
    main()
