"""Analyse a workshop: read its assets once, run the pure analyses, return plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop import geo
from workshop.analysis import complete, coverage, measures
from workshop.analysis.core import AssetRecord, Frame
from workshop.assets.classes import ASSET_CLASSES
from workshop.assets.models import Asset
from workshop.errors import Invalid
from workshop.workshops.models import Workshop

# Columns the assets area may add to mark an asset folded into another by a merge;
# a merged asset is counted once, through the asset it was merged into.
_MERGED_MARKERS = ("merged_into_id", "merged_into", "merged_at")


@dataclass
class WorkshopAnalysis:
    area_ha: float
    by_class: list[dict]
    by_subtype: list[dict]
    coverage: list[dict]
    duplicates: list[dict]
    clusters: list[dict]
    complete_community: list[dict]
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Return the analysis as JSON-serialisable data (the assessment record keeps it)."""
        return asdict(self)


def params() -> dict:
    """Return the parameters the analysis used, printed beside its results."""
    return {
        "projection": "aeqd centred on the community (metres)",
        "duplicate_distance_m": measures.DUPLICATE_DISTANCE_M,
        "duplicate_name_similarity": measures.NAME_SIMILARITY,
        "cluster_eps_m": measures.CLUSTER_EPS_M,
        "cluster_min_size": measures.CLUSTER_MIN_SIZE,
        "coverage_radii_m": list(coverage.RADII_M),
        "coverage_distance": "straight line",
        "buffer_quad_segs": coverage.QUAD_SEGS,
        "complete_community_class": complete.SOCIAL,
        "complete_community_not_checked": "service floor area per 100 households",
    }


def analyse_records(
    boundary: dict, records: Sequence[AssetRecord], classes: Sequence[str] | None = None
) -> WorkshopAnalysis:
    """Return every analysis of `records` inside the community `boundary` (GeoJSON)."""
    classes = list(classes or ASSET_CLASSES)
    frame = Frame.build(boundary, records)
    by_class, by_subtype = measures.inventory(frame, classes)
    return WorkshopAnalysis(
        area_ha=round(frame.area_ha, 3),
        by_class=by_class,
        by_subtype=by_subtype,
        coverage=coverage.coverage(frame, classes),
        duplicates=measures.duplicate_candidates(frame),
        clusters=measures.clusters(frame, classes),
        complete_community=complete.complete_community(list(records)),
        params=params(),
    )


def is_merged(asset: Asset) -> bool:
    return any(getattr(asset, name, None) is not None for name in _MERGED_MARKERS)


def records_of(*, db: Session, workshop: Workshop) -> list[AssetRecord]:
    """Return the workshop's live assets as plain records (merged ones skipped)."""
    rows = db.scalars(select(Asset).where(Asset.workshop_id == workshop.id).order_by(Asset.id))
    return [
        AssetRecord(
            id=a.id,
            asset_class=a.asset_class,
            subtype=getattr(a, "subtype", None) or "",
            name=a.name,
            description=a.description or "",
            geometry=a.geometry,
        )
        for a in rows
        if not is_merged(a)
    ]


def analyse(db: Session, workshop: Workshop) -> WorkshopAnalysis:
    """Return the analysis of a workshop's assets within its community."""
    return analyse_records(workshop.community.boundary, records_of(db=db, workshop=workshop))


def analysis_with_names(*, db: Session, workshop: Workshop) -> tuple[WorkshopAnalysis, dict]:
    """Return the analysis and {asset id: name} for the page that shows it."""
    records = records_of(db=db, workshop=workshop)
    names = {r.id: r.name for r in records}
    return analyse_records(workshop.community.boundary, records), names


def gaps_feature_collection(
    *, db: Session, workshop: Workshop, asset_class: str, radius_m: int
) -> dict:
    """Return the uncovered part of the community for a class and radius, RFC 7946."""
    if asset_class not in ASSET_CLASSES:
        raise Invalid("asset.unknown_class")
    if radius_m not in coverage.RADII_M:
        raise Invalid("analysis.unknown_radius")
    frame = Frame.build(workshop.community.boundary, records_of(db=db, workshop=workshop))
    uncovered = coverage.gap_m(frame, asset_class, radius_m)
    features = []
    if not uncovered.is_empty:
        lonlat = shapely.orient_polygons(frame.to_wgs84(uncovered), exterior_cw=False)
        features.append(
            {
                "type": "Feature",
                "geometry": geo.to_geojson(lonlat),
                "properties": {
                    "asset_class": asset_class,
                    "radius_m": radius_m,
                    "area_m2": round(uncovered.area, 1),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
