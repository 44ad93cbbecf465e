from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow

CARD_STATUSES = ("new", "used", "cancelled")


class BallotCard(Base):
    """A printed, single-use card that starts one participant on any tablet."""

    __tablename__ = "ballot_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    number: Mapped[int] = mapped_column(default=1)
    group: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="new")
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Population(Base):
    """The community's population by resident group, for representativeness."""

    __tablename__ = "population"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    # {group: count}
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    # Flag a group whose participant share is this far below its population share.
    margin: Mapped[float] = mapped_column(Float, default=0.10)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
