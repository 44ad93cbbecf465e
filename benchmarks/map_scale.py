"""Benchmark: the asset map at scale in Chromium, on the projector and on a tablet.

    .venv/bin/python benchmarks/map_scale.py [--sizes 300 1000 5000] [--throttle 4]

For each size, loads the demo with that many assets in its workshop (70 % points, 15 %
lines, 15 % polygons), then opens the projector (1920×1080, planner) and the resident's
mapping screen on a landscape tablet (1180×820, touch), both with the CPU slowed down
`--throttle` times (Chrome DevTools Protocol `Emulation.setCPUThrottlingRate`). Prints,
per page: first paint, when the assets were on the map, the longest main-thread task after
first paint (PerformanceObserver "longtask"), how many long tasks (> 50 ms), how many
labels were placed, and the JS heap. Target (issue 18): no task > 200 ms after first paint
with 5,000 assets.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from harness import ROOT, ServerProcess
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.scale import dumps, join, login, measure, seed

PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
TABLET = {"viewport": {"width": 1180, "height": 820}, "has_touch": True, "locale": "zh-CN"}


def main() -> None:
    # The server must serve this checkout's static/ and workshop/, not an installed copy.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 5000])
    parser.add_argument("--throttle", type=float, default=4.0)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for n in args.sizes:
            data = Path(tempfile.mkdtemp(prefix="ws-bench-map-"))
            server = ServerProcess(data, f"sqlite:///{data / 'workshop.db'}", log_level="warning")
            try:
                code, ws_id = seed(server, n)
                server.start(timeout=60)
                base = server.base_url
                projector = browser.new_context(**PROJECTOR).new_page()
                login(projector, base)
                row = measure(
                    projector,
                    f"{base}/console/workshops/{ws_id}/projector",
                    n,
                    throttle=args.throttle,
                )
                print(f"{n:>5} assets  projector  {dumps(row)}", flush=True)
                projector.context.close()
                tablet = browser.new_context(**TABLET).new_page()
                join(tablet, base, code)
                row = measure(tablet, f"{base}/w/{code}", n, throttle=args.throttle)
                print(f"{n:>5} assets  tablet     {dumps(row)}", flush=True)
                tablet.context.close()
            finally:
                server.stop()
        browser.close()


if __name__ == "__main__":
    main()
