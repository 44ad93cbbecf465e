from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class StreetOffice(Base):
    """A street office (街道办): holds communities, signs agreements, confirms entries."""

    __tablename__ = "street_office"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    district: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Agreement(Base):
    """A service agreement (服务协议): a planner works in a community from start to end.

    street_office_id is the office that signed it; None for agreements carried forward by
    migration 0014 from the workshops a planner already ran there."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    street_office_id: Mapped[int | None] = mapped_column(ForeignKey("street_office.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActivityLog(Base):
    """Who changed what and when: community edits, organisation rules, confirmations,
    agreements, accounts. `detail` is a small JSON object (field names, old/new values)."""

    __tablename__ = "activity_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    action: Mapped[str] = mapped_column(String(48))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    detail: Mapped[dict | None] = mapped_column(JSON)
