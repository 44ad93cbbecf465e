from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class ServiceLogEntry(Base):
    """One activity in a planner's service log (服务记录).

    Entries made by finalising an assessment record carry `auto_workshop_id` (unique per
    planner), so a workshop's record adds one entry for the lead planner and one for each
    co-facilitator, however many versions it gets; hand-made entries leave it empty.
    """

    __tablename__ = "service_log_entry"
    __table_args__ = (UniqueConstraint("planner_id", "auto_workshop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_record.id"))
    auto_workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"))
    date: Mapped[date] = mapped_column(Date)
    work_function: Mapped[str] = mapped_column(String(32))
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    base_points: Mapped[float] = mapped_column(Float, default=0.0)
    satisfaction_rate: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(500), default="")
    special_points: Mapped[float] = mapped_column(Float, default=0.0)
    media_coverage: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The street office's answer (确认 / 退回): "pending", "confirmed" or "returned" (with
    # a reason). Points count only confirmed entries when the rules say so.
    confirmation: Mapped[str] = mapped_column(
        String(16), default="pending", server_default="pending"
    )
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")


class PointsRules(Base):
    """A planner's or an organisation's own service-points rules (JSON, see points.py).

    Exactly one of planner_id / organisation is set; a planner's own rules win over the
    organisation's, which win over the labelled defaults.
    """

    __tablename__ = "points_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    planner_id: Mapped[int | None] = mapped_column(ForeignKey("planner.id"), unique=True)
    organisation: Mapped[str | None] = mapped_column(String(128), unique=True)
    rules: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
