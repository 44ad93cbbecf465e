"""Choose a community's base map (used by `workshop base-map` and the demo loader)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workshop.basemaps.config import BaseMap, parse_base_map
from workshop.basemaps.tiles import pack_path
from workshop.communities.models import Community
from workshop.errors import Invalid, NotFound


def set_base_map(*, db: Session, community_id: int, setting: dict | None) -> BaseMap:
    """Check and store a community's base-map setting; return it parsed."""
    community = db.get(Community, community_id)
    if community is None:
        raise NotFound("community.not_found")
    base = parse_base_map(setting)
    if base.kind == "tiles" and pack_path(base.pack) is None:
        raise Invalid("basemap.pack_missing", pack=base.pack)
    community.base_map = None if base.kind == "vector" else base.as_dict()
    db.flush()
    return base
