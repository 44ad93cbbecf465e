from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workshop.db import Base, UTCDateTime, new_ref, utcnow

PROPOSAL_STATUSES = ("open", "merged", "withdrawn", "hidden")


class Proposal(Base):
    """A resident's proposal (提案) for what to change."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    # GeoJSON geometry (WGS-84, lon/lat), optional: where the change would happen.
    location: Mapped[dict | None] = mapped_column(JSON)
    # Set when status is "merged": the proposal this duplicate was merged into.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Stable across bundle export/import (ids are renumbered); named by the hash chains.
    ref: Mapped[str] = mapped_column(String(16), default=new_ref)


class ProposalAsset(Base):
    """A link from a proposal to an asset it builds on or changes."""

    __tablename__ = "proposal_asset"
    __table_args__ = (UniqueConstraint("proposal_id", "asset_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"))


class ModerationEvent(Base):
    """One change to a proposal: who, when, what, and the fields before and after."""

    __tablename__ = "moderation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    planner_id: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VotingRules(Base):
    """A workshop's decision and consensus rules (JSON; missing keys take the defaults)."""

    __tablename__ = "voting_rules"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VotingRound(Base):
    """One round of voting with one method, opened and closed by the facilitator."""

    __tablename__ = "voting_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    method: Mapped[str] = mapped_column(String(16), default="approval")
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Dot voting: dots per participant and the most dots on one proposal.
    dots_total: Mapped[int] = mapped_column(Integer, default=5)
    dots_per_proposal: Mapped[int] = mapped_column(Integer, default=3)
    # Hide live results on the projector while the round is open (no bandwagoning).
    results_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Stable across bundle export/import (ids are renumbered); named by the hash chains.
    ref: Mapped[str] = mapped_column(String(16), default=new_ref)


class Vote(Base):
    """One participant's vote on one proposal in one round.

    value by method: approval 1 support / 0 withdrawn; dots = dots placed (0..k);
    agree 1 agree / -1 disagree / 0 pass.
    """

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("round_id", "proposal_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    value: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(16), default="tablet")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VoteChange(Base):
    """Audit trail: every change of a vote's value, with when and from where."""

    __tablename__ = "vote_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    old_value: Mapped[int | None] = mapped_column(Integer)
    new_value: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="tablet")
    planner_id: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Hash chain per workshop (tamper evidence): sha256 of this entry's canonical JSON,
    # which includes the previous entry's hash.
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id"), index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
