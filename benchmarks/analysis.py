"""Time the analysis of 2,000 assets in a 1 km² community (prints numbers; no asserts).

    python -m benchmarks.analysis [--assets 2000] [--repeat 5]

Assets are random points, lines and polygons of the four classes, with names drawn
from a small pool so that duplicate candidates and clusters exist. Times the pure
analysis, every gap layer, then the same through a SQLite database: `analyse(db, …)`
and the planner's analysis page over HTTP (in-process client).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from tests.analysis.square import boundary, line, point, rect
from workshop.analysis.core import Frame
from workshop.analysis.coverage import gap
from workshop.analysis.service import analyse_records

CLASSES = ["ecological", "cultural", "social", "human"]
NAMES = ["老茶馆", "黄葛树", "长者食堂", "便利店", "坝坝舞", "木工", "步道", "小广场"]


def make_assets(n: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cls = rng.choice(CLASSES)
        name = rng.choice(NAMES)
        x, y = rng.uniform(-480, 480), rng.uniform(-480, 480)
        kind = rng.random()
        if kind < 0.8:
            out.append(point(i, cls, name, x, y))
        elif kind < 0.9:
            out.append(line(i, cls, name, [(x, y), (x + 40, y + 10), (x + 60, y - 20)]))
        else:
            out.append(rect(i, cls, name, x, y, x + 20, y + 15))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    records = make_assets(args.assets)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = analyse_records(boundary(), records)
        times.append(time.perf_counter() - start)
    print(f"assets: {args.assets} in a 1 km² square community")
    print(f"full analysis: median {statistics.median(times):.3f} s, max {max(times):.3f} s")
    print(
        f"  duplicates {len(result.duplicates)}, clusters {len(result.clusters)}, "
        f"coverage rows {len(result.coverage)}"
    )
    frame = Frame.build(boundary(), records)
    start = time.perf_counter()
    for cls in CLASSES:
        for radius in (300, 500, 1000):
            gap(frame, cls, radius)
    print(f"all 12 gap layers: {time.perf_counter() - start:.3f} s")
    through_the_app(records, args.repeat)


def through_the_app(records: list, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from tests.factories import PASSWORD, make_community, make_planner, make_workshop
    from workshop.analysis.service import analyse
    from workshop.app import create_app
    from workshop.assets.models import Asset
    from workshop.config import Settings
    from workshop.workshops.models import Workshop

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key="benchmark-secret-key-0123456789")
        app = create_app(settings)
        with app.state.db.unit_of_work() as db:
            planner = make_planner(db)
            community = make_community(db, boundary=boundary(), base_layers=None)
            ws_id = make_workshop(db, planner=planner, community=community).id
            db.add_all(
                Asset(
                    workshop_id=ws_id, asset_class=r.asset_class, name=r.name, geometry=r.geometry
                )
                for r in records
            )
        times = []
        for _ in range(repeat):
            with app.state.db.unit_of_work(write=False) as db:
                start = time.perf_counter()
                analyse(db, db.get(Workshop, ws_id))
                times.append(time.perf_counter() - start)
        print(f"analyse(db, workshop) on SQLite: median {statistics.median(times):.3f} s")
        with TestClient(app) as client:
            client.post("/login", data={"username": planner.username, "password": PASSWORD})
            page_times, size = [], 0
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(f"/console/workshops/{ws_id}/analysis")
                page_times.append(time.perf_counter() - start)
                size = len(response.content)
            assert response.status_code == 200
        print(
            f"analysis page: median {statistics.median(page_times):.3f} s, "
            f"{size / 1024:.0f} KiB of HTML"
        )
        app.state.db.dispose()


if __name__ == "__main__":
    main()
