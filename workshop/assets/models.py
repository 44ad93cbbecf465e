from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class Asset(Base):
    """Something the community already has (社区资产), pinned or drawn by a resident.

    `geometry` is a GeoJSON Point, LineString or Polygon in WGS-84 (lon, lat).
    `participant_id` is the resident who drew it (the only one who may edit or delete
    it); a facilitator's merge keeps the other contributors in `AssetContributor` and
    marks the absorbed asset `merged_into_id` (hidden from maps, kept for the record).
    """

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    asset_class: Mapped[str] = mapped_column(String(16))
    subtype: Mapped[str] = mapped_column(String(32), default="", server_default="")
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(500), default="")
    geometry: Mapped[dict] = mapped_column(JSON)
    # Random file name under <data_dir>/photos/ (never a user-chosen name).
    photo: Mapped[str | None] = mapped_column(String(64))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"))
    # Hidden by the facilitator (spam, something that should not be on the projector):
    # off every map and count, kept, and can be shown again.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AssetSupport(Base):
    """A resident's "+1" on someone else's asset: one per participant and asset."""

    __tablename__ = "asset_support"
    __table_args__ = (UniqueConstraint("asset_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssetContributor(Base):
    """A further contributor of an asset, kept when a duplicate was merged into it."""

    __tablename__ = "asset_contributor"
    __table_args__ = (UniqueConstraint("asset_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    merged_from_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"))
