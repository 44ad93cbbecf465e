"""Representativeness figures checked by hand on a small example."""

from __future__ import annotations

import pytest

from workshop.errors import Invalid
from workshop.workshops.representativeness import (
    compare,
    representativeness,
    set_population,
    under_represented,
)
from workshop.workshops.service import join

from ..factories import make_workshop


def test_shares_gaps_and_flags_by_hand():
    # Population 600 老年 + 300 中青年 + 100 商户 = 1000 → 60 %, 30 %, 10 %.
    # Room: 2 老年, 6 中青年, 2 商户, 1 without a group (left out) → 10 named:
    # 20 %, 60 %, 20 %; gaps −40, +30, +10 points; only 老年 is more than 10 points below.
    result = compare(
        {"老年居民": 600, "中青年居民": 300, "商户": 100},
        [("老年居民", 2), ("中青年居民", 6), ("商户", 2), ("", 1)],
        0.10,
    )
    assert result == {
        "margin": 0.1,
        "groups": [
            {
                "group": "老年居民",
                "population": 600,
                "population_share": 0.6,
                "participants": 2,
                "participant_share": 0.2,
                "gap": -0.4,
                "under_represented": True,
            },
            {
                "group": "中青年居民",
                "population": 300,
                "population_share": 0.3,
                "participants": 6,
                "participant_share": 0.6,
                "gap": 0.3,
                "under_represented": False,
            },
            {
                "group": "商户",
                "population": 100,
                "population_share": 0.1,
                "participants": 2,
                "participant_share": 0.2,
                "gap": 0.1,
                "under_represented": False,
            },
        ],
    }
    assert under_represented(result) == ["老年居民"]


def test_exactly_the_margin_below_is_not_flagged():
    # 30 % of the population, 20 % of the room: exactly 10 points below, not more.
    result = compare({"a": 3, "b": 7}, [("a", 1), ("b", 4)], 0.10)
    assert [(g["gap"], g["under_represented"]) for g in result["groups"]] == [
        (-0.1, False),
        (0.1, False),
    ]
    # A 5-point margin flags it.
    assert under_represented(compare({"a": 3, "b": 7}, [("a", 1), ("b", 4)], 0.05)) == ["a"]


def test_nothing_without_population_and_zero_shares_in_an_empty_room():
    assert compare({}, [("a", 3)], 0.1) is None
    result = compare({"a": 1, "b": 1}, [], 0.1)
    assert [g["participant_share"] for g in result["groups"]] == [0.0, 0.0]
    assert under_represented(result) == ["a", "b"]


def test_stored_population_against_the_live_room(db):
    ws = make_workshop(db, groups=["老年居民", "中青年居民"])
    assert representativeness(db=db, workshop=ws) is None
    set_population(db=db, workshop=ws, counts={"老年居民": 500, "中青年居民": 500}, margin=0.2)
    for group in ("老年居民", "中青年居民", "中青年居民", "中青年居民"):
        join(db=db, workshop=ws, nickname="", group=group, consent=True)
    result = representativeness(db=db, workshop=ws)
    # 25 % vs 50 %: 25 points below a 20-point margin.
    assert [(g["participant_share"], g["gap"]) for g in result["groups"]] == [
        (0.25, -0.25),
        (0.75, 0.25),
    ]
    assert under_represented(result) == ["老年居民"]
    with pytest.raises(Invalid, match="join.unknown_group"):
        set_population(db=db, workshop=ws, counts={"外来": 5})
    with pytest.raises(Invalid, match="ballots.population_invalid"):
        set_population(db=db, workshop=ws, counts={"老年居民": -1})
