"""How well the room represents the community: each resident group's share of the
participants against its share of the population.

population_share = population of the group ÷ population of all entered groups;
participant_share = participants in the group ÷ participants who named one of those
groups (participants without a group, or in a group without a population figure, are
left out of both); gap = participant_share − population_share; a group is
under-represented when gap < −margin (more than `margin` below, e.g. 10 points).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from workshop.ballots.models import Population
from workshop.db import utcnow
from workshop.errors import Invalid
from workshop.live.broker import announce
from workshop.workshops.models import Workshop
from workshop.workshops.service import participants_by_group

DEFAULT_MARGIN = 0.10


def compare(
    population: dict[str, int], participants: Sequence[tuple[str, int]], margin: float
) -> dict | None:
    """Pure: return {"margin", "groups": [...]} or None when no population is known."""
    counts = {g: int(n) for g, n in population.items() if int(n) > 0}
    total_population = sum(counts.values())
    if not total_population:
        return None
    present = {g: n for g, n in participants if g in counts}
    total_present = sum(present.values())
    groups = []
    for group, pop in counts.items():
        here = present.get(group, 0)
        pop_share = round(pop / total_population, 4)
        share = round(here / total_present, 4) if total_present else 0.0
        gap = round(share - pop_share, 4)
        groups.append(
            {
                "group": group,
                "population": pop,
                "population_share": pop_share,
                "participants": here,
                "participant_share": share,
                "gap": gap,
                "under_represented": gap < -round(margin, 4),
            }
        )
    return {"margin": round(margin, 4), "groups": groups}


def population_of(*, db: Session, workshop: Workshop) -> Population | None:
    return db.get(Population, workshop.id)


def set_population(
    *, db: Session, workshop: Workshop, counts: dict[str, int], margin: float = DEFAULT_MARGIN
) -> Population:
    """Save the community's population by resident group (the workshop's groups only)."""
    if not 0 <= margin <= 1:
        raise Invalid("ballots.margin_invalid")
    clean: dict[str, int] = {}
    for group in workshop.resident_groups:
        n = counts.get(group, 0)
        if n < 0 or n > 10_000_000:
            raise Invalid("ballots.population_invalid")
        clean[group] = int(n)
    unknown = set(counts) - set(workshop.resident_groups)
    if unknown:
        raise Invalid("join.unknown_group")
    row = db.get(Population, workshop.id)
    if row is None:
        row = Population(workshop_id=workshop.id)
        db.add(row)
    row.counts, row.margin, row.updated_at = clean, margin, utcnow()
    db.flush()
    announce(db, workshop.id, "participants")
    return row


def representativeness(*, db: Session, workshop: Workshop) -> dict | None:
    """The room against the population now (None until the planner enters figures)."""
    row = population_of(db=db, workshop=workshop)
    if row is None:
        return None
    ordered = {g: row.counts.get(g, 0) for g in workshop.resident_groups if g in row.counts}
    return compare(ordered, participants_by_group(db=db, workshop=workshop), row.margin)


def under_represented(result: dict | None) -> list[str]:
    if not result:
        return []
    return [g["group"] for g in result["groups"] if g["under_represented"]]
