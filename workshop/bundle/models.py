"""Where a workshop came from: its stable uid across instances (for bundles)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class WorkshopOrigin(Base):
    """A workshop's uid: set when it is first exported, or taken from the imported bundle."""

    __tablename__ = "workshop_origin"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
