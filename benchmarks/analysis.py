"""Time the analysis of 2,000 assets in a 1 km² community (prints numbers; no asserts).

    python -m benchmarks.analysis [--assets 2000] [--repeat 5]

Assets are random points, lines and polygons of the four classes, with names drawn
from a small pool so that duplicate candidates and clusters exist.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

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


if __name__ == "__main__":
    main()
