"""A community's standing inventory of assets (社区资产底册): who sees and changes it,
import from a GIS file (checked as the workshop import checks), removal, counts, the
read-only reference layer a workshop's maps draw, and its exports.

Every change is written to the community's activity log (workshop.city.service.log):
who, when, what (counts, file format and layers, the removed asset's name). No HTTP here.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assets.classes import ASSET_CLASSES
from workshop.assets.importing import Checked
from workshop.city import service as city
from workshop.communities.models import Community
from workshop.errors import Invalid, NotFound
from workshop.i18n import label
from workshop.inventory.models import CommunityAsset
from workshop.service_log.service import my_workshops

SOURCE_MAX = 200


# -- who ---------------------------------------------------------------------------------


def may_see(db: Session, planner: Planner, community: Community) -> bool:
    """Its editors, its street office and planners under agreement, and the facilitators
    of a workshop held there (the community page's readers)."""
    if city.may_edit(db, planner, community) or city.sees_whole_community(db, planner, community):
        return True
    return any(w.community_id == community.id for w in my_workshops(db=db, planner=planner))


def visible_community(*, db: Session, community_id: int, planner: Planner) -> Community:
    community = db.get(Community, community_id)
    if community is None or not may_see(db, planner, community):
        raise NotFound("community.not_found")
    return community


# -- reading -----------------------------------------------------------------------------


def inventory_of(*, db: Session, community: Community) -> list[CommunityAsset]:
    """The community's standing inventory, by class then name."""
    order = [CommunityAsset.asset_class, CommunityAsset.name, CommunityAsset.id]
    stmt = select(CommunityAsset).where(CommunityAsset.community_id == community.id)
    return list(db.scalars(stmt.order_by(*order)))


def counts_by_class(*, db: Session, community: Community) -> dict[str, int]:
    """The count per class, every class present (0 when none)."""
    rows = db.execute(
        select(CommunityAsset.asset_class, func.count())
        .where(CommunityAsset.community_id == community.id)
        .group_by(CommunityAsset.asset_class)
    ).all()
    counts = Counter(dict(rows))
    return {key: counts.get(key, 0) for key in ASSET_CLASSES}


def reference_collection(items: list[CommunityAsset]) -> dict:
    """The inventory as a FeatureCollection for a map's read-only reference layer."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": a.id,
                "geometry": a.geometry,
                "properties": {
                    "name": a.name,
                    "asset_class": a.asset_class,
                    "class_label": label("asset_class", a.asset_class),
                    "subtype_label": label("asset_subtype", a.subtype) if a.subtype else "",
                    "colour": ASSET_CLASSES[a.asset_class].colour,
                },
            }
            for a in items
        ],
    }


# -- changing ----------------------------------------------------------------------------


def _source(fmt: str, filename: str, layer: str) -> str:
    """Where an asset came from: the file (or its format) and, when it has its own
    name, the layer (a single-layer GeoJSON/KML layer is named after the format)."""
    parts = [filename or fmt] + ([layer] if layer != fmt else [])
    return " · ".join(parts)[:SOURCE_MAX]


def import_inventory(
    *,
    db: Session,
    community: Community,
    planner: Planner,
    checked: Checked,
    fmt: str,
    filename: str = "",
    replace: bool = False,
) -> int:
    """Store every checked asset in the inventory (all or none), first removing what it
    held when `replace`; log it. Return the count imported."""
    if checked.problems:
        raise Invalid("asset_import.has_problems", count=len(checked.problems))
    if not checked.assets:
        raise Invalid("asset_import.nothing")
    removed = 0
    if replace:
        removed = len(inventory_of(db=db, community=community))
        db.execute(delete(CommunityAsset).where(CommunityAsset.community_id == community.id))
    for layer, fields in checked.assets:
        db.add(
            CommunityAsset(
                community_id=community.id,
                asset_class=fields.asset_class,
                subtype=fields.subtype or "",
                name=fields.name,
                description=fields.description or "",
                geometry=fields.geometry,
                source=_source(fmt, filename, layer),
                created_by=planner.id,
            )
        )
    db.flush()
    per_class = Counter(str(f.asset_class) for _layer, f in checked.assets)
    city.log(
        db,
        planner,
        "inventory.import",
        community_id=community.id,
        count=len(checked.assets),
        removed=removed,
        source=filename or fmt,
        layers=sorted({layer for layer, _f in checked.assets}),
        classes=dict(per_class),
    )
    return len(checked.assets)


def remove_item(*, db: Session, community: Community, planner: Planner, item_id: int) -> str:
    """Remove one asset from the inventory and log it; return its name."""
    item = db.get(CommunityAsset, item_id)
    if item is None or item.community_id != community.id:
        raise NotFound("inventory.not_found")
    name = item.name
    city.log(
        db,
        planner,
        "inventory.remove",
        community_id=community.id,
        asset=item.id,
        name=name,
        asset_class=item.asset_class,
    )
    db.delete(item)
    db.flush()
    return name


def reference_for(*, db: Session, community: Community) -> dict | None:
    """The reference layer for a workshop's maps in this community; None when empty.

    Every tablet page of the mapping stage draws it: only the columns the layer needs,
    as rows, not ORM objects (5,000 assets: ~4x faster)."""
    stmt = select(
        CommunityAsset.id, CommunityAsset.name, CommunityAsset.asset_class, CommunityAsset.geometry
    ).where(CommunityAsset.community_id == community.id)
    features = [
        {
            "type": "Feature",
            "id": row.id,
            "geometry": row.geometry,
            "properties": {"name": row.name, "colour": ASSET_CLASSES[row.asset_class].colour},
        }
        for row in db.execute(stmt.order_by(CommunityAsset.id))
    ]
    return {"type": "FeatureCollection", "features": features} if features else None
