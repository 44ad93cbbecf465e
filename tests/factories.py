"""Test data builders: small functions with overrides, like the spec reads."""

from __future__ import annotations

import json
from datetime import date
from itertools import count

from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.accounts.service import create_planner
from workshop.communities.models import Community
from workshop.config import MAPS_DIR
from workshop.workshops import service
from workshop.workshops.models import Participant, Workshop

DEMO = MAPS_DIR / "demo"
PASSWORD = "correct horse battery"
_seq = count(1)


def demo_boundary() -> dict:
    data = json.loads((DEMO / "boundary.geojson").read_text(encoding="utf-8"))
    return data["features"][0]["geometry"]


def demo_centre() -> tuple[float, float]:
    """A (lon, lat) well inside the demo community."""
    from shapely.geometry import shape

    point = shape(demo_boundary()).representative_point()
    return point.x, point.y


def make_planner(db: Session, **overrides) -> Planner:
    fields = {"username": f"planner{next(_seq)}", "password": PASSWORD, "name": "张规划"}
    fields.update(overrides)
    return create_planner(db=db, **fields)


def make_community(db: Session, **overrides) -> Community:
    fields = {
        "name": "桃源里社区（虚构示例）",
        "district": "示例区",
        "street": "示例街道",
        "boundary": demo_boundary(),
        "base_layers": json.loads((DEMO / "base_layers.geojson").read_text(encoding="utf-8")),
    }
    fields.update(overrides)
    community = Community(**fields)
    db.add(community)
    db.flush()
    return community


def make_workshop(
    db: Session,
    *,
    stage: str = "welcome",
    planner: Planner | None = None,
    community: Community | None = None,
    **overrides,
) -> Workshop:
    from workshop.workshops.stages import advance_stage

    workshop = service.create_workshop(
        db=db,
        planner=planner or make_planner(db),
        community_id=(community or make_community(db)).id,
        title=overrides.pop("title", "资产地图与微更新议事会"),
        on=overrides.pop("on", date(2026, 11, 24)),
        **overrides,
    )
    while workshop.stage != stage:
        advance_stage(db=db, workshop=workshop)
    return workshop


def make_participant(db: Session, workshop: Workshop, **overrides) -> Participant:
    fields = {"nickname": "", "group": "", "consent": True}
    fields.update(overrides)
    return service.join(db=db, workshop=workshop, **fields)
