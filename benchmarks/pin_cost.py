"""Benchmark: the server CPU a pinned asset costs, with the demo's base map and a 1 MB one.

    .venv/bin/python -m benchmarks.pin_cost [--threads 4] [--pins 100] [--base-map-mb 1]

For each base map (the demo community's, then one inflated to `--base-map-mb` MB of
roads and buildings), starts `workshop serve` on SQLite with the demo workshop in the
asset-mapping stage; `--threads` tablets join and each pins `--pins` points (the tablet's
JSON post) inside the community. Prints the server's CPU per pin (user + system, from
/proc: hardly moved by other load on the machine), latency and the answers. Target
(issue 14): ≤ 2.5 ms a pin, whatever the size of the community's base map (before: ~92 ms
with a 0.94 MB base map, 90 % of it decoding `base_layers`).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from benchmarks.harness import ServerProcess, cpu_seconds, fresh_database, ms, primed, quantiles

SETUP = """
import json, sys
from shapely.geometry import shape
from workshop.cli import _database, load_demo
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
megabytes = float(sys.argv[1])
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    ws = workshop_by_code(db=db, code=code)
    advance_stage(db=db, workshop=ws)  # welcome -> asset mapping
    community = ws.community
    x0, y0, x1, y1 = shape(community.boundary).bounds
    if megabytes:
        features, size, n = list((community.base_layers or {}).get("features", [])), 0, 0
        while size < megabytes * 1_000_000:
            x = x0 + (x1 - x0) * ((n * 0.618) % 1)
            y = y0 + (y1 - y0) * ((n * 0.382) % 1)
            ring = [[x, y], [x + 1e-4, y], [x + 1e-4, y + 1e-4], [x, y + 1e-4], [x, y]]
            f = {"type": "Feature", "properties": {"kind": "building"},
                 "geometry": {"type": "Polygon", "coordinates": [ring]}}
            features.append(f)
            size += len(json.dumps(f))
            n += 1
        community.base_layers = {"type": "FeatureCollection", "features": features}
    size = len(json.dumps(community.base_layers or {}))
    point = shape(community.boundary).representative_point()
print(code, point.x, point.y, size)
"""


def run(megabytes: float, threads: int, pins: int) -> dict:
    url = fresh_database("")
    server = ServerProcess(Path(url.removeprefix("sqlite:///")).parent, url, log_level="warning")
    code, lon, lat, size = server.cli("-c", SETUP, str(megabytes)).split()
    server.start(timeout=60)
    assert server.proc is not None
    try:
        clients = []
        for _ in range(threads):
            c = primed(httpx.Client(base_url=server.base_url, timeout=60))
            assert c.post(f"/j/{code}", data={"consent": "true"}).status_code == 303
            clients.append(c)

        def tablet(i: int) -> tuple[list[float], Counter]:
            latencies, answers = [], Counter()
            for n in range(pins):
                body = {"asset_class": "ecological", "name": f"绿地 {i}-{n}",
                        "lon": float(lon), "lat": float(lat)}  # fmt: skip
                t0 = time.perf_counter()
                answers[clients[i].post(f"/w/{code}/assets", json=body).status_code] += 1
                latencies.append(time.perf_counter() - t0)
            return latencies, answers

        cpu0 = cpu_seconds(server.proc.pid)
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(tablet, range(threads)))
        cpu1 = cpu_seconds(server.proc.pid)
        for c in clients:
            c.close()
    finally:
        server.stop()
    latencies = [x for lat_, _ in results for x in lat_]
    answers = sum((a for _, a in results), Counter())
    cpu = (cpu1 - cpu0) / len(latencies) if cpu0 is not None and cpu1 is not None else None
    return {"size": int(size), "latencies": latencies, "answers": answers, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pins", type=int, default=100, help="per tablet")
    parser.add_argument("--base-map-mb", type=float, default=1.0)
    args = parser.parse_args()
    print(f"{args.threads} tablets × {args.pins} pins, SQLite, one process")
    for label, megabytes in (
        ("demo base map", 0.0),
        (f"{args.base_map_mb:g} MB base map", args.base_map_mb),
    ):
        r = run(megabytes, args.threads, args.pins)
        cpu = f"server CPU {r['cpu'] * 1000:.2f} ms/pin" if r["cpu"] is not None else ""
        print(
            f"  {label:18s} ({r['size'] / 1e6:.2f} MB of base_layers): {cpu}  "
            f"{ms(quantiles(r['latencies']))}  answers {dict(r['answers'])}"
        )
    print("target: ≤ 2.50 ms a pin, whatever the base map")


if __name__ == "__main__":
    main()
