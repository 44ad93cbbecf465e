"""Ballot cards: one participant per card, resume only on the same device, cancelled
cards refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.ballots.cards import cancel_card, create_cards, use_card
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.workshops.models import Participant

from ..factories import make_workshop


def _count(db, ws) -> int:
    stmt = select(func.count()).select_from(Participant).where(Participant.workshop_id == ws.id)
    return db.scalar(stmt)


def test_a_card_starts_one_participant_and_resumes_only_on_its_device(db):
    ws = make_workshop(db, stage="mapping")
    card, other = create_cards(db=db, workshop=ws, count=2, group="商户")
    assert len(card.code) == 10 and card.code != other.code and other.number == 2
    used, person = use_card(db=db, code=card.code.lower())
    assert (used.status, person.group, used.participant_id) == ("used", "商户", person.id)
    # The same device resumes; any other device is refused; nobody new is added.
    assert use_card(db=db, code=card.code, device=person)[1].id == person.id
    stranger = use_card(db=db, code=other.code)[1]
    with pytest.raises(Conflict, match="ballots.card_used"):
        use_card(db=db, code=card.code, device=stranger)
    with pytest.raises(Conflict, match="ballots.card_used"):
        use_card(db=db, code=card.code)
    assert _count(db, ws) == 2


def test_a_card_without_a_group_takes_the_group_chosen_on_the_tablet(db):
    ws = make_workshop(db)
    (card,) = create_cards(db=db, workshop=ws, count=1)
    with pytest.raises(Invalid, match="join.unknown_group"):
        use_card(db=db, code=card.code, group="外来")
    assert use_card(db=db, code=card.code, group="青少年")[1].group == "青少年"


def test_a_cancelled_card_is_refused_even_on_its_own_device(db):
    ws = make_workshop(db)
    lost, used = create_cards(db=db, workshop=ws, count=2)
    cancel_card(db=db, workshop=ws, card_id=lost.id)
    with pytest.raises(Forbidden, match="ballots.card_cancelled"):
        use_card(db=db, code=lost.code)
    _, person = use_card(db=db, code=used.code)
    cancel_card(db=db, workshop=ws, card_id=used.id)
    with pytest.raises(Forbidden, match="ballots.card_cancelled"):
        use_card(db=db, code=used.code, device=person)
    with pytest.raises(NotFound, match="ballots.card_unknown"):
        use_card(db=db, code="ZZZZZZZZZZ")
    assert _count(db, ws) == 1


def test_card_count_is_bounded(db):
    ws = make_workshop(db)
    for bad in (0, 201):
        with pytest.raises(Invalid, match="ballots.card_count_invalid"):
            create_cards(db=db, workshop=ws, count=bad)
