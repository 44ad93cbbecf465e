from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class CommunityAsset(Base):
    """An asset of the community's standing inventory (社区资产底册): owned by the
    community, not by a meeting; it outlasts every workshop held there.

    A table of its own rather than `asset` with a nullable `workshop_id`, because every
    column and rule of `asset` beyond the shared five fields is the meeting's: the resident
    who drew it (and alone may edit it), +1s, contributors kept by a merge, hiding by the
    facilitator, photos, live announcements, the report's and the bundle's counts. A
    nullable owner would make `Asset.workshop_id` optional in every one of those typed
    queries and let inventory rows leak into a meeting's counts, record, bundle and
    erasure wherever one filter is forgotten. What the two share — the fields
    (class, subtype, name, description, geometry), their checks, the GIS import and the
    export writers — are functions over those fields, reused as they are.

    `geometry` is a GeoJSON Point, LineString or Polygon in WGS-84 (lon, lat), checked
    as a tablet's pin is. `source` says where it came from (file and layer), for the
    street office's questions a year later; every change is in the community's activity
    log (workshop.city.models.ActivityLog) with who and when.
    """

    __tablename__ = "community_asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    asset_class: Mapped[str] = mapped_column(String(16))
    subtype: Mapped[str] = mapped_column(String(32), default="", server_default="")
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(500), default="", server_default="")
    geometry: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
