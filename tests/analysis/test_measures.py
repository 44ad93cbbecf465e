"""Known answers on a 1 km × 1 km square community (tests/analysis/square.py)."""

from __future__ import annotations

import math

import pytest

from workshop.analysis.core import Frame
from workshop.analysis.measures import (
    clusters,
    duplicate_candidates,
    inventory,
    name_similarity,
)

from .square import at, boundary, line, point, rect

CLASSES = ["ecological", "cultural", "social", "human"]


def frame_of(*records):  # type: ignore[no-untyped-def]
    return Frame.build(boundary(), list(records))


def test_the_square_measures_100_hectares():
    assert frame_of().area_ha == pytest.approx(100.0, rel=1e-5)


def test_counts_lengths_areas_and_density_by_class_and_subtype():
    frame = frame_of(
        point(1, "ecological", "黄葛树", 0, 0, subtype="old_tree"),
        # An L-shaped path: 300 m east, then 400 m north.
        line(2, "ecological", "步道", [(-400, -300), (-100, -300), (-100, 100)], subtype="path"),
        # A park 200 m × 100 m.
        rect(3, "ecological", "口袋公园", 100, 100, 300, 200, subtype="green"),
        point(4, "social", "长者食堂", -200, 0),
    )
    by_class, by_subtype = inventory(frame, CLASSES)
    eco, cultural, social, human = by_class
    assert [r["asset_class"] for r in by_class] == CLASSES
    assert eco["count"] == 3
    assert eco["length_m"] == pytest.approx(700.0, abs=0.2)
    assert eco["area_m2"] == pytest.approx(20_000.0, rel=1e-4)
    assert eco["per_ha"] == pytest.approx(0.03)
    assert social["count"] == 1 and social["per_ha"] == pytest.approx(0.01)
    assert cultural["count"] == human["count"] == 0
    assert [(r["asset_class"], r["subtype"], r["count"]) for r in by_subtype] == [
        ("ecological", "green", 1),
        ("ecological", "old_tree", 1),
        ("ecological", "path", 1),
        ("social", "", 1),
    ]
    path = next(r for r in by_subtype if r["subtype"] == "path")
    assert path["length_m"] == pytest.approx(700.0, abs=0.2) and path["area_m2"] == 0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("老茶馆", "老茶馆门口", 1.0),  # one contains the other
        ("老 茶馆！", "老茶馆", 1.0),  # spaces and punctuation folded away
        ("社区食堂", "长者食堂", 0.5),  # 2 shared of 4 + 4 characters: 2·2/8
        ("黄葛树", "银杏", 0.0),
        ("Tea House", "tea-house", 1.0),
    ],
)
def test_name_similarity(a, b, expected):
    assert name_similarity(a, b) == pytest.approx(expected)


def test_duplicates_are_same_class_close_and_similarly_named():
    frame = frame_of(
        point(1, "cultural", "老茶馆", 200, 200),
        point(2, "cultural", "老茶馆门口", 220, 200),  # 20 m from 1: a candidate
        point(3, "social", "老茶馆", 205, 200),  # other class: not
        point(4, "cultural", "老茶馆", 200, 240),  # 40 m from 1: too far
        point(5, "social", "社区食堂", -200, 0),
        point(6, "social", "长者食堂", -190, 0),  # 10 m, but names only 0.5 alike
    )
    assert duplicate_candidates(frame) == [
        {"asset_ids": [1, 2], "names": ["老茶馆", "老茶馆门口"], "distance_m": 20.0}
    ]


def test_a_pin_on_a_drawn_park_is_zero_metres_from_it():
    frame = frame_of(
        rect(1, "ecological", "口袋公园", 100, 100, 300, 200),
        point(2, "ecological", "口袋公园", 150, 150),
    )
    assert duplicate_candidates(frame)[0]["distance_m"] == 0.0


def test_clusters_need_three_within_50_metres_per_class():
    frame = frame_of(
        # A chain 20 m apart: one cluster of four.
        *[point(i, "social", f"摊位{i}", -300 + 20 * i, 300) for i in range(4)],
        point(10, "social", "便利店", 0, -400),  # alone
        point(11, "human", "木工", 100, 0),  # two of a class are not a cluster
        point(12, "human", "合唱", 110, 0),
        # A, B, C 40 m apart: only B has 3 within 50 m; A and C join as border points.
        *[point(20 + i, "cultural", "老墙", 40 * i, 400) for i in range(3)],
    )
    found = clusters(frame, CLASSES)
    assert [(c["asset_class"], c["size"]) for c in found] == [("social", 4), ("cultural", 3)]
    social = found[0]
    assert social["centroid"] == pytest.approx(at(-270, 300), abs=1e-6)
    assert found[1]["centroid"] == pytest.approx(at(40, 400), abs=1e-6)


def test_no_assets_no_clusters_no_duplicates():
    frame = frame_of()
    assert clusters(frame, CLASSES) == []
    assert duplicate_candidates(frame) == []
    by_class, by_subtype = inventory(frame, CLASSES)
    assert all(r["count"] == 0 for r in by_class) and by_subtype == []
    assert math.isclose(frame.area_ha, 100.0, rel_tol=1e-5)
