from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import Planner
from workshop.communities.models import Community
from workshop.db import Base, UTCDateTime, new_ref, utcnow


class Workshop(Base):
    """One resident meeting (工作坊/议事会), moved through its stages by the planner."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(16), default="welcome")
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    resident_groups: Mapped[list] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # [{"stage": "mapping", "at": ISO time}, ...]: when each stage after welcome began (the
    # console's stage timer, the agenda's times in the record and report).
    stage_log: Mapped[list] = mapped_column(JSON, default=list)
    # Set when nicknames, comments and photos were erased (workshop.workshops.privacy).
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Loaded on use: the boundary and base layers are large JSON, and the vote path
    # never needs them.
    community: Mapped[Community] = relationship(lazy="select")
    planner: Mapped[Planner] = relationship(lazy="select")


class Participant(Base):
    """A resident on a tablet: a random token bound to one workshop, no personal data."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(32), default="")
    group: Mapped[str] = mapped_column(String(32), default="")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Stable across bundle export/import (ids are renumbered); named by the hash chains.
    ref: Mapped[str] = mapped_column(String(16), default=new_ref)


class SatisfactionResponse(Base):
    """A resident's rating of the planner's service (满意度), one per participant."""

    __tablename__ = "satisfaction_response"
    __table_args__ = (UniqueConstraint("workshop_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    rating: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
