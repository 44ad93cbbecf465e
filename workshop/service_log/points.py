"""Service points by the Chongqing "三师进社区" rules: a pure function, no database.

    points = Σ(base points × capability coefficient) × satisfaction coefficient
             + cumulative points + special points

(docs/domain.md#service-points). The city's own numbers are not public here:
every value in DEFAULT_RULES is a labelled default that a planner or an organisation
replaces with the district's table (see `merge_rules`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

WORK_FUNCTIONS = ("concept_promotion", "communication", "assessment", "community_building")
TITLES = ("junior", "intermediate", "associate_senior", "senior")

# DEFAULTS, not the city's values: shown as "默认值" wherever they are used.
DEFAULT_RULES: dict[str, Any] = {
    # base points per activity, by work function
    "base_points": {
        "concept_promotion": 1.0,
        "communication": 1.0,
        "assessment": 2.0,
        "community_building": 2.0,
    },
    # capability coefficient by professional title (职称)
    "capability": {"junior": 1.0, "intermediate": 1.2, "associate_senior": 1.5, "senior": 1.8},
    # which answers count as satisfied
    "satisfied_ratings": ["satisfied", "basic"],
    # [lowest satisfaction rate, coefficient], highest first; below the last one: 0
    "satisfaction_bands": [[0.9, 1.0], [0.8, 0.9], [0.6, 0.8]],
    # coefficient for a year with activities but no resident rating at all
    "no_ratings_coefficient": 1.0,
    "cumulative_share": 0.1,  # share of the previous year's points carried over
    "special_cap": 10.0,  # at most this many special points per event
    # [lowest points, stars], lowest first
    "stars": [[10, 1], [20, 2], [40, 3], [60, 4], [80, 5]],
    "education_hours_per_star": 8.0,  # continuing-education hours a star counts for
    # count only the entries the street office confirmed (确认); off on a laptop, where no
    # street office takes part; a city instance turns it on (issue 15)
    "confirmed_only": False,
}


def merge_rules(*layers: dict[str, Any] | None) -> dict[str, Any]:
    """Return DEFAULT_RULES overlaid by each layer in turn (organisation, then planner)."""
    rules: dict[str, Any] = {k: _copy(v) for k, v in DEFAULT_RULES.items()}
    for layer in layers:
        for key, value in (layer or {}).items():
            if key not in rules:
                continue
            if isinstance(rules[key], dict) and isinstance(value, dict):
                rules[key].update({k: v for k, v in value.items() if k in rules[key]})
            else:
                rules[key] = _copy(value)
    return rules


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@dataclass(frozen=True)
class ActivityLine:
    work_function: str
    count: int
    base_points: float
    capability: float

    @property
    def subtotal(self) -> float:
        return self.count * self.base_points * self.capability


@dataclass(frozen=True)
class SpecialLine:
    claimed: float
    counted: float
    reason: str = ""


@dataclass(frozen=True)
class Breakdown:
    """Every number of the formula, line by line, so a colleague can check it by hand."""

    title: str
    lines: list[ActivityLine]
    activity_points: float
    satisfied: int
    rated: int
    satisfaction_rate: float | None
    satisfaction_coefficient: float
    previous_points: float | None
    cumulative_points: float
    specials: list[SpecialLine]
    special_points: float
    total: float
    stars: int
    education_hours: float
    rules: dict[str, Any] = field(repr=False)


def satisfaction_coefficient(satisfied: int, rated: int, rules: dict[str, Any]) -> float:
    """Return the band's coefficient for satisfied ÷ rated; 0 below the lowest band."""
    if rated == 0:
        return float(rules["no_ratings_coefficient"])
    rate = satisfied / rated
    for lowest, coefficient in sorted(rules["satisfaction_bands"], reverse=True):
        # Compare in whole per-mille steps so 3/5 = 0.6 is exactly 60 %, not 59.99…
        if round(rate * 1000) >= round(float(lowest) * 1000):
            return float(coefficient)
    return 0.0


def star_level(points: float, rules: dict[str, Any]) -> int:
    stars = 0
    for lowest, level in sorted(rules["stars"]):
        if points >= lowest:
            stars = int(level)
    return stars


def service_points(
    *,
    title: str,
    activities: Sequence[str],
    satisfied: int,
    rated: int,
    previous_points: float | None,
    specials: Sequence[tuple[float, str]] = (),
    rules: dict[str, Any] | None = None,
) -> Breakdown:
    """Return one planner's points for one year with the breakdown.

    `activities` are the year's work functions, one per service-log entry; `satisfied`
    and `rated` count the year's resident answers (which ones count as satisfied is the
    rules' choice); `previous_points` is last year's total, None in a first year;
    `specials` are (claimed points, reason) per event, each capped.
    """
    rules = rules or merge_rules()
    capability = float(rules["capability"].get(title, 1.0))
    counts = Counter(activities)
    lines = [
        ActivityLine(wf, counts[wf], float(rules["base_points"].get(wf, 0.0)), capability)
        for wf in sorted(counts, key=lambda w: (WORK_FUNCTIONS + (w,)).index(w))
    ]
    activity_points = sum(line.subtotal for line in lines)
    coefficient = satisfaction_coefficient(satisfied, rated, rules)
    cumulative = (previous_points or 0.0) * float(rules["cumulative_share"])
    cap = float(rules["special_cap"])
    special_lines = [SpecialLine(c, max(0.0, min(c, cap)), r) for c, r in specials]
    special_points = sum(s.counted for s in special_lines)
    total = round(activity_points * coefficient + cumulative + special_points, 4)
    stars = star_level(total, rules)
    return Breakdown(
        title=title,
        lines=lines,
        activity_points=round(activity_points, 4),
        satisfied=satisfied,
        rated=rated,
        satisfaction_rate=satisfied / rated if rated else None,
        satisfaction_coefficient=coefficient,
        previous_points=previous_points,
        cumulative_points=round(cumulative, 4),
        specials=special_lines,
        special_points=special_points,
        total=total,
        stars=stars,
        education_hours=stars * float(rules["education_hours_per_star"]),
        rules=rules,
    )
