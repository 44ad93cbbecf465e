"""Time the consensus report (PDF and DOCX) of a large workshop (prints numbers; no asserts).

    python -m benchmarks.report [--assets 2000] [--proposals 200] [--participants 30]

Seeds a closed workshop into a fresh SQLite database, builds the record content once,
then times `report_pdf` and `report_docx` on it. Target: < 5 s each.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from tests.reports.seed import seed_workshop
from workshop.assessments.service import latest_record
from workshop.assessments.versions import current_content
from workshop.db import Database
from workshop.migrate import upgrade


def fresh_database(folder: Path, name: str = "bench.db") -> Database:
    url = f"sqlite:///{folder / name}"
    upgrade(url)
    return Database(url)


def seeded(database: Database, args: argparse.Namespace) -> int:
    with database.unit_of_work() as db:
        return seed_workshop(
            db,
            n_assets=args.assets,
            n_proposals=args.proposals,
            n_participants=args.participants,
        ).id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from workshop.reports import report_docx, report_pdf
    from workshop.workshops.models import Workshop

    folder = Path(tempfile.mkdtemp())
    try:
        database = fresh_database(folder)
        t0 = time.perf_counter()
        ws_id = seeded(database, args)
        print(
            f"seeded {args.assets} assets, {args.proposals} proposals: "
            f"{time.perf_counter() - t0:.2f} s"
        )
        with database.unit_of_work(write=False) as db:
            workshop = db.get(Workshop, ws_id)
            content = current_content(
                db=db, workshop=workshop, record=latest_record(db=db, workshop=workshop)
            )
        report_pdf({**content, "proposals": content["proposals"][:2]})  # warm up fonts
        for name, render in (("PDF", report_pdf), ("DOCX", report_docx)):
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                data = render(content)
                times.append(time.perf_counter() - t0)
            print(
                f"report {name}: best {min(times):.2f} s of {args.repeat} "
                f"({len(data) / 1e6:.1f} MB)"
            )
        database.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
