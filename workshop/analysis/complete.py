"""Complete-community check (完整社区): which expected facilities are mapped.

Definition: docs/domain.md#complete-community.

A facility is present when a *social* asset names it: its subtype is one of the
facility's subtype keys, or its name or description contains one of its keywords
(after the same folding as duplicate names). Keyword matching is a prompt for the
planner, not a survey: "老年大学" counts as an elderly service. The floor-area rule
(≥ 30 m² of service space per 100 households) needs household numbers the workshop does
not collect, so it is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.analysis.core import AssetRecord
from workshop.analysis.measures import normalise_name

SOCIAL = "social"


@dataclass(frozen=True)
class Facility:
    key: str
    keywords: tuple[str, ...]
    subtypes: frozenset[str] = frozenset()


FACILITIES: tuple[Facility, ...] = (
    Facility("kindergarten", ("幼儿园",), frozenset({"kindergarten"})),
    Facility("nursery", ("托育", "托儿", "托幼", "婴幼儿照护", "早教"), frozenset({"nursery"})),
    Facility(
        "elderly_service",
        ("养老", "日间照料", "长者", "老年", "助老", "敬老", "老人食堂"),
        frozenset({"elderly_service"}),
    ),
    Facility(
        "health_station",
        ("卫生服务", "卫生站", "卫生室", "社区医院", "诊所", "医务室", "卫生院"),
        frozenset({"health_station"}),
    ),
    Facility(
        "everyday_shops",
        ("超市", "便利店", "菜市场", "农贸市场", "菜场", "商店", "小卖部", "生鲜", "药店"),
        frozenset({"everyday_shops", "convenience_service"}),
    ),
    Facility(
        "community_service",
        ("党群服务", "社区服务", "居委会", "综合服务"),
        frozenset({"community_service"}),
    ),
    Facility(
        "activity_space",
        ("活动场地", "活动室", "广场", "健身", "运动场", "球场", "坝坝"),
        frozenset({"activity_space", "venue"}),
    ),
)


def matches(facility: Facility, record: AssetRecord) -> bool:
    """Return True when a social asset stands for this facility (subtype or keyword)."""
    if record.asset_class != SOCIAL:
        return False
    if record.subtype and record.subtype in facility.subtypes:
        return True
    text = normalise_name(f"{record.name} {record.description}")
    return any(normalise_name(k) in text for k in facility.keywords)


def complete_community(records: list[AssetRecord]) -> list[dict]:
    """Return [{"facility", "present", "asset_ids"}] in the order of FACILITIES."""
    rows = []
    for facility in FACILITIES:
        ids = sorted(r.id for r in records if matches(facility, r))
        rows.append({"facility": facility.key, "present": bool(ids), "asset_ids": ids})
    return rows
