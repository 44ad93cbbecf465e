"""Ballots area: the one import point for routes (cards, poster tallies, representativeness)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.ballots.cards import cancel_card, card_by_code, cards_of, create_cards, use_card
from workshop.errors import Invalid
from workshop.voting.casting import record_ballot
from workshop.voting.rounds import current_round
from workshop.workshops.models import Workshop
from workshop.workshops.representativeness import (
    population_of,
    representativeness,
    set_population,
    under_represented,
)

MAX_POSTER_DOTS = 500

__all__ = [
    "cancel_card",
    "card_by_code",
    "cards_of",
    "create_cards",
    "enter_poster",
    "population_of",
    "representativeness",
    "set_population",
    "under_represented",
    "use_card",
]


def enter_poster(
    *, db: Session, workshop: Workshop, planner: Planner, dots: dict[int, int], group: str = ""
) -> int:
    """Enter a dot-sticker poster: each sticker is one paper voter's vote for that
    proposal (the stickers carry no identity, so they cannot be grouped by person).

    Goes through `record_ballot`, so every sticker is checked, counted and audited like a
    tablet vote with source "paper" and the planner who entered it. Returns the stickers
    entered; a refusal stores none of them.
    """
    voting_round = current_round(db=db, workshop=workshop)
    if voting_round is not None and voting_round.method == "agree":
        raise Invalid("ballots.poster_method")
    if any(n < 0 for n in dots.values()) or sum(dots.values()) > MAX_POSTER_DOTS:
        raise Invalid("ballots.poster_invalid", limit=MAX_POSTER_DOTS)
    if not sum(dots.values()):
        raise Invalid("vote.empty_ballot")
    entered = 0
    for proposal_id, n in sorted(dots.items()):
        for _ in range(n):
            record_ballot(
                db=db,
                workshop=workshop,
                planner=planner,
                source="paper",
                group=group,
                values={proposal_id: 1},
            )
            entered += 1
    return entered
