"""A planner's year: the rules in force, the points breakdown, and the CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from workshop.accounts.models import Organisation, Planner
from workshop.accounts.service import is_org_admin
from workshop.city.service import log
from workshop.db import utcnow
from workshop.errors import Forbidden, Invalid
from workshop.i18n import label
from workshop.service_log.models import PointsRules, ServiceLogEntry
from workshop.service_log.points import (
    TITLES,
    WORK_FUNCTIONS,
    Breakdown,
    merge_rules,
    service_points,
)
from workshop.workshops.models import SatisfactionResponse, Workshop
from workshop.workshops.service import SATISFACTION_RATINGS

FIRST_YEAR_LOOKBACK = 30  # never walk back further than this for carried-over points


def _layers(db: Session, planner: Planner) -> tuple[dict | None, dict | None]:
    mine = db.scalar(select(PointsRules).where(PointsRules.planner_id == planner.id))
    org = None
    if planner.organisation_id is not None:
        # Membership is the organisation record (joined by invitation), never typed text.
        name = select(Organisation.name).where(Organisation.id == planner.organisation_id)
        org = db.scalar(
            select(PointsRules).where(PointsRules.organisation == name.scalar_subquery())
        )
    return (org.rules if org else None), (mine.rules if mine else None)


def rules_for(*, db: Session, planner: Planner) -> dict[str, Any]:
    """Return the planner's rules: defaults, overlaid by the organisation's, then their own."""
    return merge_rules(*_layers(db, planner))


def rules_source(*, db: Session, planner: Planner) -> str:
    org, mine = _layers(db, planner)
    return "planner" if mine else "organisation" if org else "default"


def _number(raw: str, key: str, *, low: float = 0.0, high: float = 1000.0) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise Invalid("rules.not_a_number", field=key) from None
    if not low <= value <= high:
        raise Invalid("rules.out_of_range", field=key, low=low, high=high)
    return value


def parse_rules(form: dict[str, str]) -> dict[str, Any]:
    """Turn the rules form (flat names like base_points.assessment) into a rules dict."""
    rules: dict[str, Any] = {
        "base_points": {
            wf: _number(form.get(f"base_points.{wf}", ""), label("work_function", wf))
            for wf in WORK_FUNCTIONS
        },
        "capability": {
            t: _number(form.get(f"capability.{t}", ""), label("title", t), high=10) for t in TITLES
        },
    }
    satisfied = [r for r in SATISFACTION_RATINGS if form.get(f"satisfied.{r}")]
    if not satisfied:
        raise Invalid("rules.no_satisfied_rating")
    rules["satisfied_ratings"] = satisfied
    bands = []
    for i in range(3):
        low, coef = form.get(f"band{i}.lowest", ""), form.get(f"band{i}.coefficient", "")
        if low.strip() or coef.strip():
            bands.append([_number(low, "band", high=100) / 100, _number(coef, "band", high=10)])
    if not bands:
        raise Invalid("rules.no_bands")
    rules["satisfaction_bands"] = sorted(bands, reverse=True)
    rules["no_ratings_coefficient"] = _number(form.get("no_ratings_coefficient", ""), "—", high=10)
    rules["cumulative_share"] = _number(form.get("cumulative_percent", ""), "—", high=100) / 100
    rules["special_cap"] = _number(form.get("special_cap", ""), "—", high=100)
    stars = []
    for level in range(1, 6):
        raw = form.get(f"star{level}", "").strip()
        if raw:
            stars.append([_number(raw, f"{level}★", high=100000), level])
    rules["stars"] = stars
    rules["education_hours_per_star"] = _number(form.get("education_hours_per_star", ""), "—")
    rules["confirmed_only"] = bool(form.get("confirmed_only"))
    return rules


def save_rules(*, db: Session, planner: Planner, scope: str, form: dict[str, str]) -> PointsRules:
    """Store the rules for the planner alone, or for everyone in their organisation."""
    rules = parse_rules(form)
    if scope == "organisation":
        if planner.organisation_id is None:
            raise Invalid("rules.no_organisation")
        org = is_org_admin(db, planner)
        if org is None:
            raise Forbidden("organisation.admin_only")
        where = PointsRules.organisation == org.name
        fresh = PointsRules(organisation=org.name)
        log(db, planner, "organisation.rules", organisation_id=org.id, rules=rules)
    else:
        where = PointsRules.planner_id == planner.id
        fresh = PointsRules(planner_id=planner.id)
    row = db.scalar(select(PointsRules).where(where))
    if row is None:
        row = fresh
        db.add(row)
    row.rules = rules
    row.updated_at = utcnow()
    db.flush()
    return row


def reset_rules(*, db: Session, planner: Planner) -> None:
    row = db.scalar(select(PointsRules).where(PointsRules.planner_id == planner.id))
    if row is not None:
        db.delete(row)
        db.flush()


def satisfaction_counts(
    *, db: Session, planner: Planner, year: int, ratings: list[str]
) -> tuple[int, int]:
    """Return (satisfied, rated) over the residents' answers in the planner's workshops."""
    rows = db.execute(
        select(SatisfactionResponse.rating, func.count())
        .join(Workshop, Workshop.id == SatisfactionResponse.workshop_id)
        .where(Workshop.planner_id == planner.id, extract("year", Workshop.date) == year)
        .group_by(SatisfactionResponse.rating)
    ).all()
    rated = sum(n for _, n in rows)
    return sum(n for r, n in rows if r in ratings), rated


@dataclass(frozen=True)
class YearSummary:
    year: int
    breakdown: Breakdown
    hours: float
    entries: list[ServiceLogEntry]


def year_summary(*, db: Session, planner: Planner, year: int) -> YearSummary:
    """Return the year's points (with last year's carried over), hours and entries."""
    rules = rules_for(db=db, planner=planner)
    first = db.scalar(
        select(func.min(ServiceLogEntry.date)).where(ServiceLogEntry.planner_id == planner.id)
    )
    start = max(first.year if first else year, year - FIRST_YEAR_LOOKBACK)
    previous: float | None = None
    summary = None
    for y in range(min(start, year), year + 1):
        stmt = select(ServiceLogEntry).where(
            ServiceLogEntry.planner_id == planner.id,
            extract("year", ServiceLogEntry.date) == y,
        )
        if rules.get("confirmed_only"):  # the labelled rule: street-office-confirmed only
            stmt = stmt.where(ServiceLogEntry.confirmation == "confirmed")
        entries = list(db.scalars(stmt.order_by(ServiceLogEntry.date, ServiceLogEntry.id)))
        satisfied, rated = satisfaction_counts(
            db=db, planner=planner, year=y, ratings=rules["satisfied_ratings"]
        )
        breakdown = service_points(
            title=planner.title,
            activities=[e.work_function for e in entries],
            satisfied=satisfied,
            rated=rated,
            previous_points=previous,
            specials=[(e.special_points, e.media_coverage) for e in entries if e.special_points],
            rules=rules,
        )
        summary = YearSummary(y, breakdown, sum(e.hours for e in entries), entries)
        previous = breakdown.total
    assert summary is not None
    return summary
