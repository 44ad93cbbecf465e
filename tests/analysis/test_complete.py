"""Complete-community check: expected facilities among the social assets."""

from __future__ import annotations

from workshop.analysis.complete import FACILITIES, complete_community

from .square import point


def test_present_and_missing_facilities():
    records = [
        point(1, "social", "阳光幼儿园", 0, 0),
        point(2, "social", "长者食堂", 10, 0),
        point(3, "social", "惠民便利店", 20, 0),
        point(4, "social", "宝宝屋", 30, 0, subtype="nursery"),  # by subtype
        point(5, "social", "邻里中心", 40, 0, description="社区卫生服务站在二楼"),
        point(6, "cultural", "老幼儿园旧址", 50, 0),  # not social: does not count
    ]
    rows = {r["facility"]: r for r in complete_community(records)}
    assert [r["facility"] for r in complete_community(records)] == [f.key for f in FACILITIES]
    assert rows["kindergarten"] == {"facility": "kindergarten", "present": True, "asset_ids": [1]}
    assert rows["elderly_service"]["asset_ids"] == [2]
    assert rows["everyday_shops"]["asset_ids"] == [3]
    assert rows["nursery"]["asset_ids"] == [4]
    assert rows["health_station"]["asset_ids"] == [5]
    missing = sorted(k for k, r in rows.items() if not r["present"])
    assert missing == ["activity_space", "community_service"]
    assert all(r["asset_ids"] == [] for k, r in rows.items() if k in missing)
