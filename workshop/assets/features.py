"""What the map and the lists show of a workshop's assets: the assets on the map, their
+1 and contributor counts, and the GeoJSON FeatureCollection the tablet and projector draw."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.assets.classes import ASSET_CLASSES
from workshop.assets.models import Asset, AssetContributor, AssetSupport
from workshop.i18n import label
from workshop.workshops.models import Participant, Workshop


def assets_of(*, db: Session, workshop: Workshop, hidden: bool = False) -> list[Asset]:
    """Return the workshop's assets on the map, or with `hidden` the ones the planner
    hid from it (merged duplicates left out either way)."""
    stmt = (
        select(Asset)
        .where(
            Asset.workshop_id == workshop.id,
            Asset.merged_into_id.is_(None),
            Asset.hidden.is_(hidden),
        )
        .order_by(Asset.id)
    )
    return list(db.scalars(stmt))


@dataclass(frozen=True)
class AssetStats:
    """Per-asset counts for a list of assets: +1s, contributors, the viewer's +1s."""

    supports: dict[int, int]
    contributors: dict[int, int]
    supported_by_viewer: frozenset[int]


def asset_stats(
    *,
    db: Session,
    workshop: Workshop,
    viewer: Participant | None = None,
    only: list[int] | None = None,
) -> AssetStats:
    """The counts for the workshop's assets, or for the assets `only` names (one saved
    asset's answer: its cost does not grow with the number of assets on the map)."""

    def counts(table: type[AssetSupport] | type[AssetContributor]) -> dict[int, int]:
        stmt = select(table.asset_id, func.count()).group_by(table.asset_id)
        if only is None:
            stmt = stmt.join(Asset, Asset.id == table.asset_id)
            stmt = stmt.where(Asset.workshop_id == workshop.id)
        else:
            stmt = stmt.where(table.asset_id.in_(only))
        return {asset_id: n for asset_id, n in db.execute(stmt)}

    mine: frozenset[int] = frozenset()
    if viewer is not None:
        stmt = select(AssetSupport.asset_id).where(AssetSupport.participant_id == viewer.id)
        if only is not None:
            stmt = stmt.where(AssetSupport.asset_id.in_(only))
        mine = frozenset(db.scalars(stmt))
    return AssetStats(counts(AssetSupport), counts(AssetContributor), mine)


def contributor_count(asset: Asset, stats: AssetStats) -> int:
    return stats.contributors.get(asset.id, 0) + (1 if asset.participant_id is not None else 0)


def feature_collection(
    assets: list[Asset],
    *,
    stats: AssetStats | None = None,
    viewer: Participant | None = None,
    photo_url: Callable[[Asset], str] | None = None,
) -> dict:
    """Return assets as an RFC 7946 FeatureCollection (never participant ids or tokens)."""
    stats = stats or AssetStats({}, {}, frozenset())
    features = []
    for a in assets:
        cls = ASSET_CLASSES[a.asset_class]
        features.append(
            {
                "type": "Feature",
                "id": a.id,
                "geometry": a.geometry,
                "properties": {
                    "name": a.name,
                    "asset_class": a.asset_class,
                    "class_label": label("asset_class", a.asset_class),
                    "colour": cls.colour,
                    "icon": cls.icon,
                    "subtype": a.subtype,
                    "subtype_label": label("asset_subtype", a.subtype) if a.subtype else "",
                    "description": a.description,
                    "supports": stats.supports.get(a.id, 0),
                    "contributors": contributor_count(a, stats),
                    "photo": photo_url(a) if (photo_url and a.photo) else None,
                    "own": viewer is not None and a.participant_id == viewer.id,
                    "supported": a.id in stats.supported_by_viewer,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def counts_by_class(*, db: Session, workshop: Workshop) -> dict[str, int]:
    """Return the count per class, every class present (0 when none)."""
    rows = db.execute(
        select(Asset.asset_class, func.count())
        .where(
            Asset.workshop_id == workshop.id,
            Asset.merged_into_id.is_(None),
            Asset.hidden.is_(False),
        )
        .group_by(Asset.asset_class)
    ).all()
    counts = Counter(dict(rows))
    return {key: counts.get(key, 0) for key in ASSET_CLASSES}


@dataclass(frozen=True)
class AssetRow:
    asset: Asset
    supports: int
    contributors: int


def assets_by_class(*, db: Session, workshop: Workshop) -> dict[str, list[AssetRow]]:
    """Return the workshop's assets per class (every class present), most +1s first."""
    stats = asset_stats(db=db, workshop=workshop)
    rows: dict[str, list[AssetRow]] = {key: [] for key in ASSET_CLASSES}
    for a in assets_of(db=db, workshop=workshop):
        rows[a.asset_class].append(
            AssetRow(a, stats.supports.get(a.id, 0), contributor_count(a, stats))
        )
    for items in rows.values():
        items.sort(key=lambda r: (-r.supports, r.asset.id))
    return rows
