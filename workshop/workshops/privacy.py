"""Erasing what could identify a resident once a meeting is over (PIPL: keep personal
information no longer than the purpose needs).

What goes: participants' nicknames, their tablet tokens (a tablet's cookie no longer
opens the workshop), satisfaction comments and asset photos. What stays: resident groups
(the representativeness figures), assets, proposals and votes (the community's own
results, not about a person), ballot cards, the hash chains (they name participants by a
random ref, never by a nickname), and finalised record versions, which the street office
already holds and which carry no name or participant.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from workshop.assets.models import Asset
from workshop.db import utcnow
from workshop.errors import Conflict
from workshop.workshops.models import Participant, SatisfactionResponse, Workshop


@dataclass
class Erased:
    workshop_id: int
    nicknames: int = 0
    comments: int = 0
    photos: list[Path] = field(default_factory=list)  # to remove after the commit


def erase_personal_data(
    *, db: Session, workshop: Workshop, photos_dir: Path | None = None
) -> Erased:
    """Erase a closed workshop's nicknames, tokens, comments and photos; idempotent."""
    if workshop.stage != "closed":
        raise Conflict("privacy.not_closed")
    result = Erased(workshop.id)
    people = db.execute(
        select(Participant.id, Participant.nickname).where(Participant.workshop_id == workshop.id)
    ).all()
    result.nicknames = sum(1 for _, nickname in people if nickname)
    if people:
        db.execute(
            update(Participant),
            [{"id": i, "nickname": "", "token": secrets.token_urlsafe(24)} for i, _ in people],
        )
    cleared = db.execute(
        update(SatisfactionResponse)
        .where(SatisfactionResponse.workshop_id == workshop.id, SatisfactionResponse.comment != "")
        .values(comment="")
    )
    result.comments = (
        cast("CursorResult[Any]", cleared).rowcount  # an UPDATE's result is a cursor's
        or 0
    )
    names = db.scalars(
        select(Asset.photo).where(Asset.workshop_id == workshop.id, Asset.photo.is_not(None))
    ).all()
    if names:
        db.execute(update(Asset).where(Asset.workshop_id == workshop.id).values(photo=None))
        shared = set(db.scalars(select(Asset.photo).where(Asset.photo.in_(names))))
        if photos_dir is not None:  # a file another workshop still shows stays
            result.photos = [photos_dir / n for n in sorted({n for n in names if n} - shared)]
    workshop.personal_data_erased_at = utcnow()
    db.flush()
    return result


def due_for_erasure(*, db: Session, closed_before: date) -> list[Workshop]:
    """Closed workshops whose meeting day is before `closed_before` and not yet erased."""
    return list(
        db.scalars(
            select(Workshop)
            .where(
                Workshop.stage == "closed",
                Workshop.date < closed_before,
                Workshop.personal_data_erased_at.is_(None),
            )
            .order_by(Workshop.id)
        )
    )
