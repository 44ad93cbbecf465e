"""Community assets (社区资产): draw, validate, edit, +1, merge and hide (the classes and
subtypes: assets.classes; what the map and lists show: assets.features)."""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CursorResult, Text, bindparam, delete, func, select, update
from sqlalchemy import cast as sa_cast
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workshop import geo
from workshop.assets import photos
from workshop.assets.address import looks_like_home_address
from workshop.assets.classes import (
    ASSET_CLASSES,
    DESCRIPTION_MAX,
    NAME_MAX,
    OffersSubtypes,
    subtypes_for,
)

# Moved to assets.classes and assets.features (issue 20); importable from here as before.
from workshop.assets.classes import DEFAULT_SUBTYPES as DEFAULT_SUBTYPES
from workshop.assets.classes import AssetClass as AssetClass
from workshop.assets.classes import set_subtypes as set_subtypes
from workshop.assets.features import AssetRow as AssetRow
from workshop.assets.features import AssetStats as AssetStats
from workshop.assets.features import asset_stats as asset_stats
from workshop.assets.features import assets_by_class as assets_by_class
from workshop.assets.features import assets_of as assets_of
from workshop.assets.features import contributor_count as contributor_count
from workshop.assets.features import counts_by_class as counts_by_class
from workshop.assets.features import feature_collection as feature_collection
from workshop.assets.models import Asset, AssetContributor, AssetSupport
from workshop.communities.models import Community
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.live.broker import announce
from workshop.text import clean_line, clean_text
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import require_stage


@dataclass(frozen=True)
class AssetFields:
    """What a resident fills in after drawing; None means "leave as it is" on edit."""

    asset_class: str | None = None
    subtype: str | None = None
    name: str | None = None
    description: str | None = None
    geometry: object = None  # GeoJSON (dict or JSON text); None keeps the stored one
    photo: bytes | None = None
    photo_ready: bool = False  # `photo` is already re-encoded (photos.reencode_admitted)
    # The resident confirms nobody recognisable is in the photo, or that they agreed to
    # it (a face is personal information under PIPL); no photo is stored without it.
    photo_consent: bool = False
    remove_photo: bool = False


@dataclass(frozen=True)
class SavedAsset:
    asset: Asset
    repaired: bool  # the polygon crossed itself and make_valid fixed it


@dataclass(frozen=True)
class _Place:
    """What a drawn asset is checked against: its community's boundary and subtypes."""

    boundary: BaseGeometry
    asset_subtypes: dict | None


# Two columns, the boundary as its stored text (the key of the parsed shapes' cache): no
# Community entity, and nothing of its base map, for each pin (issue 14).
_PLACE = select(sa_cast(Community.boundary, Text), Community.asset_subtypes).where(
    Community.id == bindparam("community_id")
)


@functools.lru_cache(maxsize=64)
def _boundary(text: str) -> BaseGeometry:
    """The parsed boundary of a stored boundary text: a pin reuses the shape the last
    pin in that community built (an edited boundary is a new text, parsed anew)."""
    return geo.parse_boundary(json.loads(text))


def _place(db: Session, workshop: Workshop) -> _Place:
    text, subtypes = db.execute(_PLACE, {"community_id": workshop.community_id}).one()
    return _Place(_boundary(text), subtypes)


def _clean_fields(
    community: OffersSubtypes, fields: AssetFields, current: Asset | None
) -> tuple[str, str, str, str]:
    """Return (class, subtype, name, description), checked; raise Invalid on a problem."""
    # A new asset has no class until the resident picks one (nothing is preselected).
    asset_class = (
        fields.asset_class
        if fields.asset_class is not None
        else (current.asset_class if current else "")
    )
    if asset_class not in ASSET_CLASSES:
        raise Invalid("asset.unknown_class")
    subtype = clean_line(
        fields.subtype if fields.subtype is not None else current.subtype if current else ""
    )
    if subtype and subtype not in subtypes_for(community)[asset_class]:
        raise Invalid("asset.unknown_subtype")
    name = clean_line(fields.name if fields.name is not None else current.name if current else "")
    if not name:
        raise Invalid("asset.name_required")
    if len(name) > NAME_MAX:
        raise Invalid("field.too_long", limit=NAME_MAX)
    description = clean_text(
        fields.description
        if fields.description is not None
        else current.description
        if current
        else ""
    )
    if len(description) > DESCRIPTION_MAX:
        raise Invalid("field.too_long", limit=DESCRIPTION_MAX)
    # A human asset says what someone can do and where, never where they live (address.py).
    if asset_class == "human" and (
        looks_like_home_address(name) or looks_like_home_address(description)
    ):
        raise Invalid("asset.human_address")
    return asset_class, subtype, name, description


def add_asset(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant | None,
    fields: AssetFields,
    photos_dir: Path | None = None,
) -> SavedAsset:
    """Validate and save a drawn asset (Point, LineString or Polygon, WGS-84)."""
    require_stage(workshop, "mapping")
    place = _place(db, workshop)
    asset_class, subtype, name, description = _clean_fields(place, fields, None)
    if fields.geometry is None:
        raise Invalid("geo.point_missing")
    checked = geo.check_asset_geometry(fields.geometry, place.boundary)
    photo_name = _store_photo(fields, photos_dir)
    asset = Asset(
        workshop_id=workshop.id,
        participant_id=participant.id if participant else None,
        asset_class=asset_class,
        subtype=subtype,
        name=name,
        description=description,
        geometry=geo.to_geojson(checked.geometry),
        photo=photo_name,
    )
    db.add(asset)
    db.flush()
    announce(db, workshop.id, "assets")
    return SavedAsset(asset, checked.repaired)


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
    subtype: str = "",
) -> Asset:
    """Save a point asset tapped at (lon, lat): the short form of `add_asset`."""
    require_stage(workshop, "mapping")
    if lon is None or lat is None or not all(map(math.isfinite, (lon, lat))):
        raise Invalid("geo.point_missing")
    fields = AssetFields(
        asset_class=asset_class,
        subtype=subtype,
        name=name,
        description=description,
        geometry={"type": "Point", "coordinates": [lon, lat]},
    )
    return add_asset(db=db, workshop=workshop, participant=participant, fields=fields).asset


def _store_photo(fields: AssetFields, photos_dir: Path | None) -> str | None:
    data = fields.photo
    if data and not fields.photo_consent:
        raise Invalid("photo.consent_required")
    if not data:
        return None
    if photos_dir is None:
        raise Invalid("photo.unavailable")
    return photos.save(photos_dir, data if fields.photo_ready else photos.reencode(data))


def _active_asset(db: Session, workshop: Workshop, asset_id: int) -> Asset:
    asset = db.get(Asset, asset_id)
    if asset is None or asset.workshop_id != workshop.id or asset.merged_into_id is not None:
        raise NotFound("asset.not_found")
    if asset.hidden:
        raise NotFound("asset.not_found")
    return asset


def _own_asset(db: Session, workshop: Workshop, participant: Participant, asset_id: int) -> Asset:
    asset = _active_asset(db, workshop, asset_id)
    if asset.participant_id != participant.id:
        raise Forbidden("asset.not_yours")
    return asset


def update_asset(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant,
    asset_id: int,
    fields: AssetFields,
    photos_dir: Path | None = None,
) -> SavedAsset:
    """Change a resident's own asset; every check passes before anything is written."""
    require_stage(workshop, "mapping")
    asset = _own_asset(db, workshop, participant, asset_id)
    place = _place(db, workshop)
    asset_class, subtype, name, description = _clean_fields(place, fields, asset)
    repaired = False
    geometry = asset.geometry
    if fields.geometry is not None:
        checked = geo.check_asset_geometry(fields.geometry, place.boundary)
        geometry, repaired = geo.to_geojson(checked.geometry), checked.repaired
    photo_name = asset.photo
    if fields.photo:
        photo_name = _store_photo(fields, photos_dir)
    elif fields.remove_photo:
        photo_name = None
    asset.asset_class, asset.subtype, asset.name = asset_class, subtype, name
    asset.description, asset.geometry, asset.photo = description, geometry, photo_name
    asset.updated_at = _now()
    db.flush()
    announce(db, workshop.id, "assets")
    return SavedAsset(asset, repaired)


def _now():
    from workshop.db import utcnow

    return utcnow()


def delete_asset(
    *, db: Session, workshop: Workshop, participant: Participant, asset_id: int
) -> None:
    """Delete a resident's own asset with its +1s (not one a facilitator merged into)."""
    require_stage(workshop, "mapping")
    asset = _own_asset(db, workshop, participant, asset_id)
    if db.scalar(select(func.count()).where(Asset.merged_into_id == asset.id)):
        raise Conflict("asset.merged_locked")
    db.execute(delete(AssetSupport).where(AssetSupport.asset_id == asset.id))
    db.execute(delete(AssetContributor).where(AssetContributor.asset_id == asset.id))
    db.delete(asset)
    db.flush()
    announce(db, workshop.id, "assets")


def contributor_ids(db: Session, asset: Asset) -> set[int]:
    ids = set(
        db.scalars(
            select(AssetContributor.participant_id).where(AssetContributor.asset_id == asset.id)
        )
    )
    if asset.participant_id is not None:
        ids.add(asset.participant_id)
    return ids


def support_asset(
    *, db: Session, workshop: Workshop, participant: Participant, asset_id: int
) -> int:
    """Add this participant's "+1" to someone else's asset; return the new count.

    One per participant and asset, enforced by the database's unique constraint (a
    second tap, even a concurrent one, gets a Conflict and changes nothing).
    """
    require_stage(workshop, "mapping")
    asset = _active_asset(db, workshop, asset_id)
    if participant.id in contributor_ids(db, asset):
        raise Conflict("asset.own_support")
    try:
        with db.begin_nested():
            db.add(AssetSupport(asset_id=asset.id, participant_id=participant.id))
    except IntegrityError:
        raise Conflict("asset.already_supported") from None
    announce(db, workshop.id, "assets")
    return _support_count(db, asset.id)


def withdraw_support(
    *, db: Session, workshop: Workshop, participant: Participant, asset_id: int
) -> int:
    """Take back this participant's own "+1"; return the new count.

    Only the participant's own row goes; without one, a Conflict and nothing changes.
    """
    require_stage(workshop, "mapping")
    asset = _active_asset(db, workshop, asset_id)
    removed = db.execute(
        delete(AssetSupport).where(
            AssetSupport.asset_id == asset.id, AssetSupport.participant_id == participant.id
        )
    )
    if not cast("CursorResult[Any]", removed).rowcount:  # a DELETE's result is a cursor's
        raise Conflict("asset.not_supported")
    announce(db, workshop.id, "assets")
    return _support_count(db, asset.id)


def _support_count(db: Session, asset_id: int) -> int:
    return (
        db.scalar(
            select(func.count()).select_from(AssetSupport).where(AssetSupport.asset_id == asset_id)
        )
        or 0
    )


def merge_assets(*, db: Session, workshop: Workshop, keep_id: int, other_id: int) -> Asset:
    """Merge duplicate `other_id` into `keep_id` (the facilitator's decision).

    The kept asset gains the other's contributor(s) and the union of both assets' +1s
    (one per participant; none from its own contributors); the other is marked
    merged_into (hidden from maps and counts, kept for the record), and so are assets
    that had been merged into it before.
    """
    if keep_id == other_id:
        raise Invalid("asset.merge_same")
    keep = _active_asset(db, workshop, keep_id)
    other = _active_asset(db, workshop, other_id)
    contributors = contributor_ids(db, keep)
    for pid in sorted(contributor_ids(db, other) - contributors):
        db.add(AssetContributor(asset_id=keep.id, participant_id=pid, merged_from_id=other.id))
    contributors |= contributor_ids(db, other)
    supporters = set(
        db.scalars(select(AssetSupport.participant_id).where(AssetSupport.asset_id == keep.id))
    )
    for pid in db.scalars(
        select(AssetSupport.participant_id).where(AssetSupport.asset_id == other.id)
    ):
        if pid not in supporters and pid not in contributors:
            db.add(AssetSupport(asset_id=keep.id, participant_id=pid))
            supporters.add(pid)
    if keep.photo is None and other.photo is not None:
        keep.photo = other.photo
    db.execute(update(Asset).where(Asset.merged_into_id == other.id).values(merged_into_id=keep.id))
    other.merged_into_id = keep.id
    db.flush()
    announce(db, workshop.id, "assets")
    return keep


def set_hidden(*, db: Session, workshop: Workshop, asset_id: int, hidden: bool) -> Asset:
    """Hide an asset from every map and count (the facilitator's moderation), or show it.

    Nothing is deleted: contributor, +1s and photo stay, and showing it again restores it.
    """
    asset = db.get(Asset, asset_id)
    if asset is None or asset.workshop_id != workshop.id or asset.merged_into_id is not None:
        raise NotFound("asset.not_found")
    asset.hidden = hidden
    db.flush()
    announce(db, workshop.id, "assets")
    return asset


def photo_of(*, db: Session, workshop: Workshop, asset_id: int, photos_dir: Path) -> Path:
    """Return the stored photo file of an asset of this workshop (merged ones too)."""
    asset = db.get(Asset, asset_id)
    if asset is None or asset.workshop_id != workshop.id or not asset.photo:
        raise NotFound("asset.not_found")
    path = photos.path_of(photos_dir, asset.photo)
    if path is None:
        raise NotFound("asset.not_found")
    return path
