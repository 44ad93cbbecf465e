"""A closed workshop with known numbers, built through the domain services."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from workshop.assets.service import pin_asset
from workshop.proposals.service import set_support, submit_proposal
from workshop.workshops import service
from workshop.workshops.stages import advance_stage

from ..factories import demo_centre, make_participant, make_workshop

TITLES = ("增设休息座椅", "步道照明", "修缮老院子")


def closed_workshop(db: Session, *, on: date = date(2026, 11, 24), **kwargs):
    """Return (workshop, proposals by title).

    6 voters: 3 老年居民 and 3 中青年居民. 增设休息座椅: all 6 (consensus);
    步道照明: the 3 elders only (contested); 修缮老院子: 1. Assets: 1 ecological, 1 social.
    Satisfaction: 4 满意, 1 基本满意, 1 不满意 → 5/6.
    """
    workshop = make_workshop(db, stage="mapping", on=on, **kwargs)
    lon, lat = demo_centre()
    for cls, name in (("ecological", "黄葛古树"), ("social", "坝坝舞队")):
        pin_asset(
            db=db, workshop=workshop, participant=None, asset_class=cls, name=name, lon=lon, lat=lat
        )
    advance_stage(db=db, workshop=workshop)
    proposals = {
        t: submit_proposal(db=db, workshop=workshop, participant=None, title=t) for t in TITLES
    }
    advance_stage(db=db, workshop=workshop)
    old = [make_participant(db, workshop, group="老年居民") for _ in range(3)]
    young = [make_participant(db, workshop, group="中青年居民") for _ in range(3)]
    plan = {"增设休息座椅": old + young, "步道照明": old, "修缮老院子": young[:1]}
    for title, people in plan.items():
        for p in people:
            pid = proposals[title].id
            set_support(db=db, workshop=workshop, participant=p, proposal_id=pid, support=True)
    advance_stage(db=db, workshop=workshop)
    for p, rating in zip(old + young, ["satisfied"] * 4 + ["basic", "unsatisfied"], strict=True):
        service.rate_service(db=db, workshop=workshop, participant=p, rating=rating)
    advance_stage(db=db, workshop=workshop)
    return workshop, proposals


# The shape of workshop.analysis.service.analyse(db, workshop).as_dict(), by hand.
SAMPLE_SPATIAL = {
    "area_ha": 42.5,
    "by_class": [
        {
            "asset_class": "ecological",
            "count": 3,
            "length_m": 420.0,
            "area_m2": 5300.0,
            "per_ha": 0.07,
        },
        {"asset_class": "social", "count": 5, "length_m": 0.0, "area_m2": 0.0, "per_ha": 0.12},
    ],
    "by_subtype": [
        {
            "asset_class": "ecological",
            "subtype": "old_tree",
            "count": 2,
            "length_m": 0,
            "area_m2": 0,
        },
    ],
    "coverage": [
        {"asset_class": "ecological", "radius_m": 300, "share": 0.41},
        {"asset_class": "ecological", "radius_m": 500, "share": 0.77},
        {"asset_class": "social", "radius_m": 300, "share": 0.62},
        {"asset_class": "social", "radius_m": 500, "share": 0.93},
    ],
    "duplicates": [{"asset_ids": [3, 7], "names": ["黄葛古树", "黄桷古树"], "distance_m": 12.4}],
    "clusters": [{"asset_class": "social", "size": 4, "centroid": [106.55, 29.56]}],
    "complete_community": [
        {"facility": "kindergarten", "present": True, "asset_ids": [5]},
        {"facility": "elderly_service", "present": False, "asset_ids": []},
    ],
    "params": {},
}
