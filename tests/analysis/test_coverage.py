"""Life-circle coverage on the 1 km square, against circle areas worked out by hand.

Buffers are 64-gons (16 segments a quarter), 99.84 % of a true circle's area, so
shares are compared to 0.002.
"""

from __future__ import annotations

import math

import pytest
from shapely.geometry import shape

from workshop.analysis.core import Frame
from workshop.analysis.coverage import coverage, gap

from .square import boundary, line, point

CLASSES = ["ecological", "cultural", "social", "human"]


@pytest.fixture
def frame():  # type: ignore[no-untyped-def]
    return Frame.build(
        boundary(),
        [
            point(1, "cultural", "祠堂", 0, 0),  # centre
            point(2, "social", "居委会", -500, -500),  # south-west corner
            # A path across the square: within 300 m of it is a 600 m band.
            line(3, "ecological", "步道", [(-600, 0), (600, 0)]),
        ],
    )


def shares(frame):  # type: ignore[no-untyped-def]
    return {(r["asset_class"], r["radius_m"]): r["share"] for r in coverage(frame, CLASSES)}


def test_coverage_shares_match_circle_areas(frame):
    got = shares(frame)
    # A disc of radius r at the centre of a 1,000 m square: πr² / 1e6 while inside;
    # 1,000 m reaches every corner (707 m away).
    assert got[("cultural", 300)] == pytest.approx(math.pi * 0.09, abs=0.002)
    assert got[("cultural", 500)] == pytest.approx(math.pi / 4, abs=0.002)
    assert got[("cultural", 1000)] == 1.0
    # At a corner, a quarter disc: πr²/4; at 1,000 m the quarter disc still fits.
    assert got[("social", 300)] == pytest.approx(math.pi * 0.09 / 4, abs=0.002)
    assert got[("social", 500)] == pytest.approx(math.pi * 0.25 / 4, abs=0.002)
    assert got[("social", 1000)] == pytest.approx(math.pi / 4, abs=0.002)
    # A path through the middle: a 600 m band, then the whole square.
    assert got[("ecological", 300)] == pytest.approx(0.6, abs=0.001)
    assert got[("ecological", 500)] == 1.0
    # No human assets: nothing covered.
    assert [got[("human", r)] for r in (300, 500, 1000)] == [0.0, 0.0, 0.0]


def test_gap_is_the_uncovered_rest_in_wgs84(frame):
    uncovered = gap(frame, "cultural", 300)  # the square with a disc-shaped hole
    assert uncovered.geom_type == "Polygon" and len(uncovered.interiors) == 1
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    assert uncovered.exterior.is_ccw and not uncovered.interiors[0].is_ccw
    west, south, east, north = shape(boundary()).bounds
    minx, miny, maxx, maxy = uncovered.bounds
    assert west - 1e-9 <= minx and maxx <= east + 1e-9  # lon/lat, not metres
    assert south - 1e-9 <= miny and maxy <= north + 1e-9
    assert Frame.build(boundary(), []).projection.to_metres(uncovered).area == pytest.approx(
        1e6 * (1 - math.pi * 0.09), abs=2000
    )
    assert gap(frame, "cultural", 1000).is_empty
    whole = gap(frame, "human", 300)
    assert whole.area == pytest.approx(shape(boundary()).area, rel=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_shares_grow_with_radius_and_gaps_are_the_rest(seed):
    import random

    from workshop.analysis.coverage import covered, gap_m

    rng = random.Random(seed)
    records = [
        point(i, rng.choice(CLASSES), "资产", rng.uniform(-520, 520), rng.uniform(-520, 520))
        for i in range(rng.randint(0, 30))
    ]
    frame = Frame.build(boundary(), records)
    got = shares(frame)
    for cls in CLASSES:
        row = [got[(cls, r)] for r in (300, 500, 1000)]
        assert all(0.0 <= s <= 1.0 for s in row) and row == sorted(row)
        inside = covered(frame, cls, 500).area
        assert inside + gap_m(frame, cls, 500).area == pytest.approx(frame.area_m2, abs=2.0)
