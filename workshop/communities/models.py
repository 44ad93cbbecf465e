from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class Community(Base):
    """A neighbourhood (社区) with its boundary in WGS-84 GeoJSON (lon, lat)."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100), default="")
    street: Mapped[str] = mapped_column(String(100), default="")
    boundary: Mapped[dict] = mapped_column(JSON)
    # Which base map to draw (workshop.basemaps.config.BaseMap): vector only (None), a
    # local MBTiles pack from maps/, or an online XYZ URL; GCJ-02 when the tiles are.
    base_map: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The planner who created it in the console (None for seeded/older communities); they
    # and the planners running a workshop here may edit it.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    # Asset subtypes offered in this community, {class: [subtype, ...]}; None means the
    # defaults (workshop.assets.classes.DEFAULT_SUBTYPES). A subtype is a key with a label
    # in the "asset_subtype" LABELS, or plain Chinese text shown as it is.
    asset_subtypes: Mapped[dict | None] = mapped_column(JSON)
    # The street office (街道办) the community belongs to on a city instance; None on a
    # laptop. Its users and the planners under an active agreement may edit it.
    street_office_id: Mapped[int | None] = mapped_column(ForeignKey("street_office.id"))
    # Context drawn under the assets when there are no tiles: a FeatureCollection whose
    # features carry properties.kind in {road, building, green, water}. Deferred: it can
    # be megabytes, and a pin, a vote or a join must not load and parse it (issue 14).
    # The table's last column (migration 0019): SQLite walks a big value's overflow pages
    # to reach any column after it. A new column goes before it (tests/communities/
    # test_migration_0019.py checks).
    base_layers: Mapped[dict | None] = mapped_column(JSON, deferred=True)
