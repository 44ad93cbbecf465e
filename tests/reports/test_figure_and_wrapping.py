"""The report's map draws lines and areas as shapes and numbers every asset as the
inventory does; resident group names never break across lines in the PDF."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import LineString, Polygon, shape

from tests.reports.test_render import BOUNDARY, _pdf_text, make_content
from workshop.geo import LocalProjection
from workshop.reports import model, report_html, report_pdf
from workshop.reports.figure import LABEL_LIMIT, asset_map_svg

CENTRE = shape(BOUNDARY).centroid
# a 376 m trail and a pocket green near the middle of the boundary (lon/lat)
TRAIL = [(106.5395, 29.5515), (106.5420, 29.5530), (106.5430, 29.5540)]
GREEN = [(106.5440, 29.5520), (106.5452, 29.5520), (106.5452, 29.5532), (106.5440, 29.5532)]


def _content() -> dict:
    content = make_content(n_assets=4)
    items = content["assets"]["items"]
    items.append(
        {
            "name": "滨水步道",
            "class": "ecological",
            "label": "生态资产",
            "lon": TRAIL[1][0],
            "lat": TRAIL[1][1],
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in TRAIL]},
        }
    )
    items.append(
        {
            "name": "口袋绿地",
            "class": "ecological",
            "label": "生态资产",
            "lon": 106.5446,
            "lat": 29.5526,
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in GREEN + GREEN[:1]]]},
        }
    )
    content["assets"]["total"] = len(items)
    return content


def _svg(content: dict) -> str:
    doc = model.build(content, for_pdf=True)
    return str(next(b.svg for b in doc.blocks if b.kind == "figure"))


def test_lines_and_areas_are_drawn_as_shapes() -> None:
    svg = _svg(_content())
    line = re.search(r'class="lines" data-count="1" d="([^"]+)"', svg)
    area = re.search(r'class="areas" data-count="1" d="([^"]+)"', svg)
    assert line and area
    assert line[1].count("L") == len(TRAIL) - 1  # every vertex of the trail
    assert area[1].count("L") == len(GREEN) and area[1].endswith("Z")
    dots = sum(int(n) for n in re.findall(r'class="dots" data-count="(\d+)"', svg))
    assert dots == 4  # only the point assets are dots
    # drawn to scale: the trail's length on the figure matches its length in metres
    bar = re.search(r'<rect x="0" y="0" width="([\d.]+)" height="4" fill="none"', svg)
    metres = float(re.search(r"([\d,]+) 米", svg)[1].replace(",", ""))
    px_per_m = float(bar[1]) / metres
    pts = [tuple(map(float, p.split(","))) for p in re.findall(r"[ML]([\d.]+,[\d.]+)", line[1])]
    trail_m = LocalProjection(CENTRE.x, CENTRE.y).to_metres(LineString(TRAIL)).length
    assert LineString(pts).length / px_per_m == pytest.approx(trail_m, rel=0.01)
    assert (
        Polygon(
            [tuple(map(float, p.split(","))) for p in re.findall(r"[ML]([\d.]+,[\d.]+)", area[1])]
        ).area
        > 20
    )  # an area, not a dot


def test_every_asset_is_numbered_as_in_the_inventory() -> None:
    content = _content()
    svg = _svg(content)
    numbers = re.search(r'<g fill="#222222">(.*?)</g>', svg)[1]
    drawn = sorted(int(n) for n in re.findall(r">(\d+)</text>", numbers))
    assert drawn == list(range(1, 7))
    doc = model.build(content, for_pdf=True)
    entries = [e for b in doc.blocks if b.kind == "inventory" for e in b.items]
    assert sorted(int(e.split(".")[0]) for e in entries) == drawn
    # the trail's number sits on the trail, in the inventory under the same number
    trail = next(e for e in entries if "滨水步道" in e)
    assert trail.startswith(f"{trail.split('.')[0]}. 滨水步道")


def test_numbers_are_left_off_a_crowded_map() -> None:
    content = make_content(n_assets=LABEL_LIMIT + 1)
    items = content["assets"]["items"]
    for n, item in enumerate(items, 1):
        item["number"] = n
    svg = asset_map_svg(
        content["boundary"], items, content["assets"]["by_class"], font_family="Noto Sans SC"
    )
    assert 'class="numbers"' not in svg
    assert 'class="numbers"' in asset_map_svg(
        content["boundary"], items[:5], content["assets"]["by_class"], font_family="x"
    )


def test_group_names_never_break_inside() -> None:
    content = make_content()
    content["participation"]["by_group"][1]["group"] = "中青年居民"
    content["voting"]["decision_rule"] = {"basis": "cast", "threshold": 0.5}
    for p in content["proposals"]:
        p.update(yes=3, no=4, abstain=0, passed=False, verdict="contested")
        p["dissenting_groups"] = ["中青年居民", "老年居民"]
        p["under_represented_groups"] = ["中青年居民"]
    html = report_html(content, for_pdf=True)
    assert '<span class="nobr">中青年居民</span>' in html
    text = _pdf_text(report_pdf(content))
    squashed = re.sub(r"\s+", "", text)
    assert squashed.count("中青年居民") >= 9  # table, verdict notes, dissent list
    assert text.count("中青年居民") == squashed.count("中青年居民")  # never split by a line
