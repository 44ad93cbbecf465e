"""Printed ballot cards: one single-use code per card; the first tablet that scans it
starts that participant (with the group printed or ticked on the card).

Codes are 10 characters from the join-code alphabet (31^10 ≈ 8·10^14 possibilities),
so guessing one is hopeless within the join-code rate limit.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.ballots.models import BallotCard
from workshop.db import utcnow
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.live.broker import announce
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import CODE_ALPHABET, join, normalise_code

CARD_CODE_LENGTH = 10
MAX_CARDS = 200


def new_card_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CARD_CODE_LENGTH))


def looks_like_card(code: str) -> bool:
    return len(normalise_code(code)) == CARD_CODE_LENGTH


def pretty(code: str) -> str:
    """Five characters, a dash, five more (e.g. 7KQ2M-9TXWP): easy to read aloud and type."""
    return f"{code[:5]}-{code[5:]}"


def create_cards(
    *, db: Session, workshop: Workshop, count: int, group: str = ""
) -> list[BallotCard]:
    if not 1 <= count <= MAX_CARDS:
        raise Invalid("ballots.card_count_invalid", limit=MAX_CARDS)
    group = group.strip()
    if group and group not in workshop.resident_groups:
        raise Invalid("join.unknown_group")
    last = db.scalar(
        select(func.max(BallotCard.number)).where(BallotCard.workshop_id == workshop.id)
    )
    cards = []
    for i in range(count):
        code = new_card_code()
        while db.scalar(select(BallotCard.id).where(BallotCard.code == code)) is not None:
            code = new_card_code()
        card = BallotCard(
            workshop_id=workshop.id, code=code, number=(last or 0) + i + 1, group=group
        )
        db.add(card)
        cards.append(card)
    db.flush()
    return cards


def cards_of(*, db: Session, workshop: Workshop) -> list[BallotCard]:
    stmt = select(BallotCard).where(BallotCard.workshop_id == workshop.id)
    return list(db.scalars(stmt.order_by(BallotCard.number)))


def card_by_code(*, db: Session, code: str, lock: bool = False) -> BallotCard:
    stmt = select(BallotCard).where(BallotCard.code == normalise_code(code))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    card = db.scalar(stmt)
    if card is None:
        raise NotFound("ballots.card_unknown")
    return card


def use_card(
    *,
    db: Session,
    code: str,
    group: str = "",
    device: Participant | None = None,
    consent: bool = True,
) -> tuple[BallotCard, Participant]:
    """Start the card's participant, or resume it on the device that started it.

    The card row is locked (PostgreSQL; SQLite serialises writers), so two tablets
    scanning one card at once start one participant; the other is refused.
    """
    card = card_by_code(db=db, code=code, lock=True)
    if card.status == "cancelled":
        raise Forbidden("ballots.card_cancelled")
    if card.status == "used":
        if device is not None and device.id == card.participant_id:
            return card, device
        raise Conflict("ballots.card_used")
    workshop = db.get(Workshop, card.workshop_id)
    assert workshop is not None
    person = join(db=db, workshop=workshop, nickname="", group=card.group or group, consent=consent)
    card.status, card.participant_id, card.used_at = "used", person.id, utcnow()
    db.flush()
    return card, person


def cancel_card(*, db: Session, workshop: Workshop, card_id: int) -> BallotCard:
    """Cancel a lost card: it can no longer start (or resume) anyone."""
    card = db.get(BallotCard, card_id)
    if card is None or card.workshop_id != workshop.id:
        raise NotFound("ballots.card_unknown")
    if card.status != "cancelled":
        card.status, card.cancelled_at = "cancelled", utcnow()
        db.flush()
        announce(db, workshop.id, "participants")
    return card


def card_participant(*, db: Session, workshop: Workshop, code: str, group: str = "") -> Participant:
    """The participant of a card a facilitator votes for (assisted): started now if the
    card is new; refused if cancelled or from another workshop."""
    card = card_by_code(db=db, code=code, lock=True)
    if card.workshop_id != workshop.id:
        raise NotFound("ballots.card_unknown")
    if card.status == "cancelled":
        raise Forbidden("ballots.card_cancelled")
    if card.status == "used":
        person = db.get(Participant, card.participant_id)
        assert person is not None
        return person
    return use_card(db=db, code=card.code, group=group)[1]
