"""The asset GeoJSON feed and validation at scale: prints numbers, asserts nothing.

    .venv/bin/python -m benchmarks.asset_feed --assets 5000

Builds a throw-away SQLite workshop with N assets (points, lines and polygons, a third
each, with +1s) in the demo community, then times one validation per geometry type, the
feed as the tablet gets it (/w/{code}/assets.geojson) and its size.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from shapely.geometry import shape

from tests.crowd import META_TOKEN
from tests.factories import demo_boundary, make_workshop
from workshop import geo
from workshop.app import create_app
from workshop.assets.models import Asset, AssetSupport
from workshop.config import Settings
from workshop.workshops.service import join as join_workshop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(7)
    boundary = shape(demo_boundary())
    west, south, east, north = boundary.bounds
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key="bench")
        app = create_app(settings)
        with app.state.db.unit_of_work() as db:
            ws = make_workshop(db, stage="mapping")
            people = [
                join_workshop(db=db, workshop=ws, nickname="", group="", consent=True)
                for _ in range(50)
            ]
            geoms = []
            while len(geoms) < args.assets:
                x, y = rng.uniform(west, east), rng.uniform(south, north)
                kind = len(geoms) % 3
                raw = (
                    {"type": "Point", "coordinates": [x, y]}
                    if kind == 0
                    else {
                        "type": "LineString",
                        "coordinates": [[x, y], [x + 0.0004, y + 0.0002], [x + 0.0008, y]],
                    }
                    if kind == 1
                    else {
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [x, y],
                                [x + 0.0003, y],
                                [x + 0.0003, y + 0.0003],
                                [x, y + 0.0003],
                                [x, y],
                            ]
                        ],
                    }
                )
                try:
                    geoms.append(geo.to_geojson(geo.check_asset_geometry(raw, boundary).geometry))
                except Exception:
                    continue
            t0 = time.perf_counter()
            for raw in geoms[:300]:
                geo.check_asset_geometry(raw, boundary)
            per_check = (time.perf_counter() - t0) / 300 * 1000
            assets = [
                Asset(
                    workshop_id=ws.id,
                    participant_id=rng.choice(people).id,
                    asset_class=rng.choice(["ecological", "cultural", "social", "human"]),
                    subtype="",
                    name=f"资产{i}",
                    description="",
                    geometry=g,
                )
                for i, g in enumerate(geoms)
            ]
            db.add_all(assets)
            db.flush()
            db.add_all(
                AssetSupport(asset_id=a.id, participant_id=p.id)
                for a in assets[:1000]
                for p in people[:3]
                if p.id != a.participant_id
            )
            code = ws.join_code
        with TestClient(app) as client:
            # As a tablet's browser joins: the join page's CSRF token, then the form.
            page = client.get(f"/j/{code}")
            token = META_TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
            joined = client.post(
                f"/j/{code}", data={"consent": "true"}, headers={"X-CSRF-Token": token}
            )
            assert joined.status_code in (200, 204, 303), joined.status_code
            times, size = [], 0
            for _ in range(5):
                t0 = time.perf_counter()
                response = client.get(f"/w/{code}/assets.geojson")
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.status_code
                assert response.headers["content-type"].startswith("application/"), response
                size = len(response.content)
            with client.stream(
                "GET", f"/w/{code}/assets.geojson", headers={"Accept-Encoding": "gzip"}
            ) as streamed:
                wire = sum(len(chunk) for chunk in streamed.iter_raw())
            features = len(json.loads(response.content)["features"])
    print(f"validation: {per_check:.2f} ms per geometry (mixed point/line/polygon, boundary check)")
    best, median = min(times) * 1000, sorted(times)[2] * 1000
    print(f"feed: {features} features, {size / 1024 / 1024:.2f} MB of JSON")
    print(f"feed: {wire / 1024 / 1024:.2f} MB on the wire (gzip)")
    print(f"feed: best {best:.0f} ms, median {median:.0f} ms over 5 requests")


if __name__ == "__main__":
    main()
