"""The map at scale: seed N assets into the demo workshop, open the projector and a tablet,
and read what the page did (first paint, long tasks, memory). Used by
tests/browser/test_round_two_b.py and benchmarks/map_scale.py."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, expect

# Loads the demo, moves its workshop to asset mapping and adds `n` assets spread over the
# community: 70 % points, 15 % lines, 15 % polygons (tens of metres), all four classes.
SEED = """
import json, math, random, sys
from shapely.geometry import Point, shape
from workshop.assets.models import Asset
from workshop.cli import _database, load_demo
from workshop.workshops.service import workshop_by_code
from workshop.workshops.stages import advance_stage

n = int(sys.argv[1])
rng = random.Random(18)
names = ["黄葛树", "老茶馆", "坝坝舞场", "社区食堂", "修自行车", "滨江步道", "祠堂旧址",
         "Choir practice", "Old tree by the steps", "便民服务点", "口袋公园", "剪纸"]
classes = ["ecological", "cultural", "social", "human"]
database = _database()
with database.unit_of_work() as db:
    code, _ = load_demo(db)
    ws = workshop_by_code(db=db, code=code)
    advance_stage(db=db, workshop=ws)
    area = shape(ws.community.boundary)
    west, south, east, north = area.bounds
    d = 0.0003  # about 30 m
    made = 0
    while made < n:
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        if not area.contains(Point(x, y)):
            continue
        kind = rng.random()
        if kind < 0.7:
            geometry = {"type": "Point", "coordinates": [x, y]}
        elif kind < 0.85:
            geometry = {"type": "LineString", "coordinates": [
                [x + i * d / 2, y + math.sin(i) * d / 3] for i in range(6)]}
        else:
            ring = [[x + d * math.cos(a / 6 * 2 * math.pi), y + d * math.sin(a / 6 * 2 * math.pi)]
                    for a in range(6)]
            geometry = {"type": "Polygon", "coordinates": [ring + [ring[0]]]}
        cls = classes[made % 4] if made % 4 != 3 else "social"
        db.add(Asset(workshop_id=ws.id, asset_class=cls,
                     name=f"{rng.choice(names)} {made + 1}", geometry=geometry))
        made += 1
print(code, ws.id)
"""

# Before any page script: record long tasks (the main thread busy > 50 ms) from the start.
OBSERVE = """
window.__longTasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      window.__longTasks.push({ start: e.startTime, duration: e.duration });
    });
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
"""


def seed(server: Any, n: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """Load the demo with `n` assets in its workshop (stage: asset mapping); return the
    workshop's join code and id."""
    code, ws_id = server.cli("-c", SEED, str(n)).split()[-2:]
    return code, int(ws_id)


def login(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill("demo")
    page.get_by_label("密码").fill("demo-planner")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/console")


def join(page: Page, base: str, code: str) -> None:
    """Join as a resident through the form's own POST (not its layout), then open the tablet."""
    page.goto(f"{base}/j/{code}")
    status = page.evaluate(
        """async (code) => {
            const meta = document.querySelector("meta[name='csrf-token']");
            const body = new URLSearchParams({ consent: "true", nickname: "" });
            const headers = { "X-CSRF-Token": meta ? meta.content : "" };
            const r = await fetch("/j/" + code,
                { method: "POST", body: body, headers: headers, credentials: "same-origin" });
            return r.status;
        }""",
        code,
    )
    assert status < 400, status
    page.goto(f"{base}/w/{code}")


def measure(page: Page, url: str, n: int, *, throttle: float = 1.0, settle_ms: int = 3000) -> dict:
    """Open `url` (a page with the asset map), wait until its n assets are on the map and
    the page has settled; return first paint, assets-shown time, longest task after first
    paint (ms), and the JS heap (MB)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    if throttle != 1.0:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.add_init_script(OBSERVE)
    page.goto(url)
    expect(page.locator("#map-config")).to_have_attribute("data-count", str(n), timeout=300_000)
    shown = page.evaluate("performance.now()")
    page.wait_for_timeout(settle_ms)
    data = page.evaluate(
        """() => {
            const paint = performance.getEntriesByType("paint")
                .find((e) => e.name === "first-paint");
            const shown = document.getElementById("map-config").dataset.labelsShown;
            return { paint: paint ? paint.startTime : 0, tasks: window.__longTasks,
                     labels: Number(shown || 0) };
        }"""
    )
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    if throttle != 1.0:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    after = [t["duration"] for t in data["tasks"] if t["start"] >= data["paint"]]
    return {
        "first_paint_ms": round(data["paint"]),
        "assets_shown_ms": round(shown),
        "longest_task_ms": round(max(after, default=0)),
        "long_tasks": len(after),
        "labels": data["labels"],
        "heap_mb": round(metrics.get("JSHeapUsedSize", 0) / 1e6, 1),
    }


def dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
