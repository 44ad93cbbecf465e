"""What the community page shows of the standing inventory: counts per class, the
table, the map, and whether this account may change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assets.classes import ASSET_CLASSES
from workshop.city import service as city
from workshop.communities.models import Community
from workshop.inventory import service
from workshop.mapping.maps import community_map, embed


def section(*, db: Session, community: Community, planner: Planner) -> dict[str, Any]:
    """The community page's inventory context (keys prefixed `inventory_`)."""
    items = service.inventory_of(db=db, community=community)
    reference = service.reference_collection(items) if items else None
    return {
        "inventory_items": items,
        "inventory_counts": service.counts_by_class(db=db, community=community),
        "inventory_editable": city.may_edit(db, planner, community),
        "inventory_map": embed(community_map(community, reference)),
        "asset_classes": ASSET_CLASSES,
    }
