from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class ServiceLogEntry(Base):
    """One activity in a planner's service log (服务记录), proven by a workshop."""

    __tablename__ = "service_log_entry"
    __table_args__ = (UniqueConstraint("planner_id", "workshop_id", "work_function"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_record.id"))
    date: Mapped[date] = mapped_column(Date)
    work_function: Mapped[str] = mapped_column(String(32))
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    base_points: Mapped[float] = mapped_column(Float, default=0.0)
    satisfaction_rate: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
