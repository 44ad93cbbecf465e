"""Benchmark: the server's peak memory under concurrent maximum-size photo uploads.

    .venv/bin/python -m benchmarks.photo_memory [--uploads 8] [--side 6200] [--mode L]

Starts `workshop serve` (SQLite) with the demo workshop in the asset-mapping stage; N
tablets each pin an asset with a side×side PNG (6200² = 38.4 megapixels, under the
40-megapixel cap; mode L compresses to ~37 KB, as the issue's file did) at the same
instant. Prints the answers and the server's resident memory before and its peak
(VmHWM) after. Target (issue 14): peak under 600 MB with 8 uploads at once.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image

from benchmarks.harness import ServerProcess, fresh_database
from tests.crowd import at_once, close_all, join_all, residents

SETUP = """
from shapely.geometry import shape
from workshop.cli import _database, load_demo
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    ws = workshop_by_code(db=db, code=code)
    advance_stage(db=db, workshop=ws)
    point = shape(ws.community.boundary).representative_point()
print(code, point.x, point.y)
"""


def memory_kb(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        line.split(":")[0]: int(line.split()[1])
        for line in status.splitlines()
        if line.startswith(("VmRSS", "VmHWM"))
    }


def png(side: int, mode: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (side, side)).save(out, "PNG")
    return out.getvalue()


async def upload(base_url: str, code: str, lon: str, lat: str, n: int, data: bytes) -> Counter:
    people = residents(base_url, n)
    try:
        await join_all(people, code)

        def pin(i: int):  # type: ignore[no-untyped-def]
            form = {
                "asset_class": "ecological",
                "name": f"照片{i}",
                "lon": lon,
                "lat": lat,
                "photo_consent": "true",
            }

            async def send():  # type: ignore[no-untyped-def]
                person = people[i]
                response = await person.client.post(
                    f"/w/{code}/assets",
                    data=form,
                    files={"photo": ("big.png", data, "image/png")},
                    headers={"X-CSRF-Token": person.token, "Accept": "application/json"},
                )
                return response.status_code

            return send

        return Counter(await at_once([pin(i) for i in range(n)]))
    finally:
        await close_all(people)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--side", type=int, default=6200)
    parser.add_argument("--mode", default="L", help="PNG mode: L, RGB, RGBA, P")
    args = parser.parse_args()
    data = png(args.side, args.mode)
    url = fresh_database("")
    server = ServerProcess(Path(tempfile.mkdtemp(prefix="ws-bench-")), url, log_level="warning")
    code, lon, lat = server.cli("-c", SETUP).split()
    server.start(timeout=60)
    try:
        before = memory_kb(server.proc.pid)
        statuses = asyncio.run(upload(server.base_url, code, lon, lat, args.uploads, data))
        after = memory_kb(server.proc.pid)
    finally:
        server.stop()
    print(
        f"{args.uploads} uploads at once of a {args.side}×{args.side} {args.mode} PNG "
        f"({len(data) / 1024:.0f} KB): answers {dict(statuses)}"
    )
    print(f"server RSS before {before['VmRSS'] / 1024:.0f} MB; peak {after['VmHWM'] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
