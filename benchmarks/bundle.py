"""Time the workshop bundle export and import of a large workshop (prints numbers).

    python -m benchmarks.bundle [--assets 2000] [--proposals 200] [--participants 30]

Export from one fresh SQLite database, import into another. Target: < 5 s each.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.report import fresh_database, seeded
from workshop.bundle import export_bundle, import_bundle
from workshop.workshops.models import Workshop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--participants", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    try:
        source, target = fresh_database(folder, "a.db"), fresh_database(folder, "b.db")
        ws_id = seeded(source, args)
        with source.unit_of_work(write=False) as db:
            t0 = time.perf_counter()
            bundle = export_bundle(db, db.get(Workshop, ws_id))
            export_s = time.perf_counter() - t0
        counts = bundle.manifest["counts"]
        print(
            f"bundle export: {export_s:.2f} s ({len(bundle.data) / 1e6:.2f} MB; "
            f"{counts['asset']} assets, {counts['proposal']} proposals, {counts['vote']} votes)"
        )
        t0 = time.perf_counter()
        with target.unit_of_work() as db:
            import_bundle(db, bundle.data)
        print(f"bundle import: {time.perf_counter() - t0:.2f} s (one transaction, committed)")
        source.dispose()
        target.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
