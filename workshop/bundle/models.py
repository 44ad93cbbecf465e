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
    # What the import found (None on a workshop made here): its signature's state
    # ("unsigned", "unknown", "revoked", "trusted") and the signer's fingerprint.
    signature_state: Mapped[str | None] = mapped_column(String(16))
    signer: Mapped[str | None] = mapped_column(String(64))


class TrustedKey(Base):
    """A laptop key the city trusts: bundles it signed import as "trusted" until revoked."""

    __tablename__ = "trusted_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lowercase hex: the short form (16 digits) or the full sha256 of the public key.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("planner.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RecordSignature(Base):
    """The finalising instance's Ed25519 signature of a finalised version's record hash."""

    __tablename__ = "record_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("assessment_record.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    signature: Mapped[str] = mapped_column(String(128))  # base64 of 64 bytes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
