"""Time the GIS exports and the asset import of a large workshop (prints numbers; no asserts).

    python -m benchmarks.gis [--assets 2000]

Seeds a closed workshop into a fresh SQLite database, times `assets_gpkg` and
`assets_shapefile_zip`, then reads the GeoPackage back as an import (`read_layers`) and
checks every feature as the import's preview does (`check_layers`).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.report import fresh_database
from tests.reports.seed import seed_workshop
from workshop.assets import importing
from workshop.exports import gis
from workshop.workshops.models import Workshop


def _timed(label: str, call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    print(f"{label:<34} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = fresh_database(folder)
        with database.unit_of_work() as db:
            ws_id = seed_workshop(db, n_assets=args.assets, n_proposals=4).id
        with database.unit_of_work(write=False) as db:
            workshop = db.get(Workshop, ws_id)
            gpkg = _timed("GeoPackage export", lambda: gis.assets_gpkg(db, workshop))
            shp = _timed(
                "Shapefile zip export", lambda: gis.assets_shapefile_zip(db, workshop, "a")
            )
            print(f"sizes: gpkg {len(gpkg) / 1024:.0f} KiB, shp.zip {len(shp) / 1024:.0f} KiB")
            token = importing.store_upload(folder / "imports", "assets.gpkg", gpkg)
            path = importing.upload_path(folder / "imports", token)
            layers = _timed("import: read every layer", lambda: importing.read_layers(path))
            mappings = {
                layer.name: importing.Mapping(
                    asset_class="field:asset_class", name="name", description="description"
                )
                for layer in layers
            }
            checked = _timed(
                "import: check every feature",
                lambda: importing.check_layers(workshop, layers, mappings),
            )
            print(f"features: {len(checked.assets)} ready, {len(checked.problems)} problems")
        database.dispose()


if __name__ == "__main__":
    main()
