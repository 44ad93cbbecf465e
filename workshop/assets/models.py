from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class Asset(Base):
    """Something the community already has (社区资产), pinned by a resident."""

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    asset_class: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(500), default="")
    geometry: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
