"""Community assets (社区资产): pin, validate against the boundary, list and count."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import geo
from workshop.assets.models import Asset
from workshop.errors import Invalid
from workshop.live.broker import announce
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import require_stage


@dataclass(frozen=True)
class AssetClass:
    key: str
    colour: str
    icon: str  # Font Awesome 6 name, vendored


ASSET_CLASSES: dict[str, AssetClass] = {
    c.key: c
    for c in (
        AssetClass("ecological", "#2e7d32", "tree"),
        AssetClass("cultural", "#c62828", "landmark"),
        AssetClass("social", "#1565c0", "people-group"),
        AssetClass("human", "#ef6c00", "hands-helping"),
    )
}
NAME_MAX = 60
DESCRIPTION_MAX = 500


def pin_asset(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant | None,
    asset_class: str,
    name: str,
    lon: float | None,
    lat: float | None,
    description: str = "",
) -> Asset:
    """Save a point asset after checking class, name and that it lies in the community."""
    require_stage(workshop, "mapping")
    if asset_class not in ASSET_CLASSES:
        raise Invalid("asset.unknown_class")
    name = name.strip()
    if not name:
        raise Invalid("asset.name_required")
    if len(name) > NAME_MAX:
        raise Invalid("field.too_long", limit=NAME_MAX)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid("field.too_long", limit=DESCRIPTION_MAX)
    point = geo.parse_point(lon, lat)
    geo.check_inside(point, geo.parse_boundary(workshop.community.boundary))
    asset = Asset(
        workshop_id=workshop.id,
        participant_id=participant.id if participant else None,
        asset_class=asset_class,
        name=name,
        description=description.strip(),
        geometry=geo.to_geojson(point),
    )
    db.add(asset)
    db.flush()
    announce(db, workshop.id, "assets")
    return asset


def assets_of(*, db: Session, workshop: Workshop) -> list[Asset]:
    stmt = select(Asset).where(Asset.workshop_id == workshop.id).order_by(Asset.id)
    return list(db.scalars(stmt))


def feature_collection(assets: list[Asset]) -> dict:
    """Return assets as an RFC 7946 FeatureCollection (no participant data)."""
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
                    "colour": ASSET_CLASSES[a.asset_class].colour,
                    "description": a.description,
                },
            }
            for a in assets
        ],
    }


def counts_by_class(*, db: Session, workshop: Workshop) -> dict[str, int]:
    """Return the count per class, every class present (0 when none)."""
    rows = db.execute(
        select(Asset.asset_class, func.count())
        .where(Asset.workshop_id == workshop.id)
        .group_by(Asset.asset_class)
    ).all()
    counts = Counter(dict(rows))
    return {key: counts.get(key, 0) for key in ASSET_CLASSES}
