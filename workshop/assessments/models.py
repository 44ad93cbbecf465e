from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, utcnow


class AssessmentRecord(Base):
    """The structured result of a closed workshop (规划评估记录), versioned.

    A version is a draft until it is finalised; a finalised version never changes again,
    and a later edit starts the next version as a new draft.
    """

    __tablename__ = "assessment_record"
    __table_args__ = (UniqueConstraint("workshop_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    # Set when finalised: hash chain over the workshop's finalised versions.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    record_hash: Mapped[str | None] = mapped_column(String(64))

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class WorkshopFacilitator(Base):
    """A co-facilitating planner of a workshop (架构师、工程师 of the 三师 team)."""

    __tablename__ = "workshop_facilitator"
    __table_args__ = (UniqueConstraint("workshop_id", "planner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProfessionalReview(Base):
    """One facilitator's review of one proposal from their discipline (三师会商)."""

    __tablename__ = "professional_review"
    __table_args__ = (UniqueConstraint("workshop_id", "planner_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    planner_id: Mapped[int] = mapped_column(ForeignKey("planner.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    discipline: Mapped[str] = mapped_column(String(16))
    feasibility: Mapped[str] = mapped_column(String(16))
    cost_band: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
