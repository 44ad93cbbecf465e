"""Trusted laptop keys on a city instance: enrol by fingerprint, revoke."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.bundle.keys import normalise_fingerprint
from workshop.bundle.models import TrustedKey
from workshop.db import utcnow
from workshop.errors import Invalid, NotFound


def enrol(*, db: Session, by: Planner, fingerprint: str, label: str = "") -> TrustedKey:
    """Trust the key with this fingerprint (short or full); enrolling it again un-revokes."""
    value = normalise_fingerprint(fingerprint)
    if value is None:
        raise Invalid("keys.bad_fingerprint")
    key = db.scalar(select(TrustedKey).where(TrustedKey.fingerprint == value))
    if key is None:
        key = TrustedKey(fingerprint=value, label=label.strip()[:80], enrolled_by_id=by.id)
        db.add(key)
    else:
        key.revoked_at, key.label = None, label.strip()[:80] or key.label
    db.flush()
    return key


def revoke(*, db: Session, key_id: int) -> TrustedKey:
    key = db.get(TrustedKey, key_id)
    if key is None:
        raise NotFound("keys.not_found")
    key.revoked_at = key.revoked_at or utcnow()
    db.flush()
    return key
