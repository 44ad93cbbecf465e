"""The service-points formula, against numbers computed by hand."""

from __future__ import annotations

import pytest

from workshop.service_log.points import DEFAULT_RULES, merge_rules, service_points


def test_a_full_year_by_hand():
    # intermediate title: capability 1.2 (default)
    # activities: 2 × 规划评估 (2 points) + 1 × 沟通协调 (1 point) = 5; × 1.2 = 6.0
    # satisfaction 9/10 = 90 % → coefficient 1.0; last year 20 points → 10 % = 2.0
    # special: 12 claimed (capped at 10) + 3 = 13; total 6.0 + 2.0 + 13 = 21.0 → 2 stars
    b = service_points(
        title="intermediate",
        activities=["assessment", "communication", "assessment"],
        satisfied=9,
        rated=10,
        previous_points=20.0,
        specials=[(12.0, "央视报道"), (3.0, "市级报道")],
    )
    assert [(x.work_function, x.count, x.subtotal) for x in b.lines] == [
        ("communication", 1, pytest.approx(1.2)),
        ("assessment", 2, pytest.approx(4.8)),
    ]
    assert b.activity_points == pytest.approx(6.0)
    assert b.satisfaction_coefficient == 1.0
    assert b.cumulative_points == pytest.approx(2.0)
    assert [s.counted for s in b.specials] == [10.0, 3.0]
    assert b.special_points == 13.0
    assert b.total == pytest.approx(21.0)
    assert (b.stars, b.education_hours) == (2, 16.0)


def test_satisfaction_exactly_60_percent_keeps_the_points():
    # senior 1.8 × 社区营造 2 = 3.6; 3 of 5 satisfied = 60 % → band coefficient 0.8 → 2.88
    b = service_points(
        title="senior",
        activities=["community_building"],
        satisfied=3,
        rated=5,
        previous_points=None,
    )
    assert b.satisfaction_rate == pytest.approx(0.6)
    assert b.satisfaction_coefficient == 0.8
    assert b.total == pytest.approx(2.88)


def test_satisfaction_just_below_60_percent_zeroes_the_activity_points():
    # 59 of 100 → coefficient 0: activities count nothing, carry-over and specials still do
    b = service_points(
        title="senior",
        activities=["community_building"] * 5,
        satisfied=59,
        rated=100,
        previous_points=30.0,
        specials=[(4.0, "报道")],
    )
    assert b.satisfaction_coefficient == 0.0
    assert b.activity_points == pytest.approx(18.0)
    assert b.total == pytest.approx(0 + 3.0 + 4.0)


def test_first_year_has_no_cumulative_points():
    b = service_points(
        title="junior", activities=["concept_promotion"], satisfied=1, rated=1, previous_points=None
    )
    assert b.previous_points is None and b.cumulative_points == 0.0
    assert b.total == pytest.approx(1.0)  # 1 × 1.0 × 1.0


def test_special_points_are_capped_at_ten_per_event_and_never_negative():
    b = service_points(
        title="junior",
        activities=[],
        satisfied=0,
        rated=0,
        previous_points=None,
        specials=[(10.0, "a"), (10.5, "b"), (99.0, "c"), (-5.0, "d")],
    )
    assert [s.counted for s in b.specials] == [10.0, 10.0, 10.0, 0.0]
    assert b.total == 30.0


@pytest.mark.parametrize(
    ("title", "expected"),
    [("junior", 2.0), ("intermediate", 2.4), ("associate_senior", 3.0), ("senior", 3.6)],
)
def test_titles_scale_the_activity_points(title, expected):
    b = service_points(
        title=title, activities=["assessment"], satisfied=10, rated=10, previous_points=None
    )
    assert b.total == pytest.approx(expected)


def test_a_year_with_no_activities_keeps_only_the_carry_over():
    b = service_points(
        title="intermediate", activities=[], satisfied=0, rated=0, previous_points=50.0
    )
    assert b.lines == [] and b.activity_points == 0
    assert b.total == pytest.approx(5.0)
    assert b.stars == 0


def test_rules_are_overridden_by_layers_and_defaults_stay_untouched():
    org = {"capability": {"senior": 2.0}, "special_cap": 5}
    mine = {"base_points": {"assessment": 3.0}, "unknown": 1}
    rules = merge_rules(org, mine)
    assert rules["capability"] == {**DEFAULT_RULES["capability"], "senior": 2.0}
    assert rules["base_points"]["assessment"] == 3.0
    assert "unknown" not in rules
    assert DEFAULT_RULES["capability"]["senior"] == 1.8
    b = service_points(
        title="senior",
        activities=["assessment"],
        satisfied=1,
        rated=1,
        previous_points=None,
        specials=[(8.0, "x")],
        rules=rules,
    )
    assert b.total == pytest.approx(3.0 * 2.0 + 5.0)


# --- edges the formula must get exactly right (each found by benchmarks/mutation.py) ----


def test_a_star_is_earned_at_exactly_its_threshold():
    # junior (1.0) × 5 assessments (2 each) = 10 points × 1.0 (no ratings) = the 1★ floor.
    exactly = service_points(
        title="junior", activities=["assessment"] * 5, satisfied=0, rated=0, previous_points=None
    )
    assert (exactly.total, exactly.stars, exactly.education_hours) == (10.0, 1, 8.0)
    below = service_points(
        title="junior",
        activities=["assessment"] * 4 + ["communication"],
        satisfied=0,
        rated=0,
        previous_points=9.9,
    )
    assert below.total == pytest.approx(9.99) and below.stars == 0


def test_a_band_is_reached_by_its_per_mille_not_by_rounding_up():
    # 899 of 1,000 satisfied is 89.9 %: the 80 % band (0.9), not the 90 % band (1.0).
    b = service_points(
        title="junior", activities=["assessment"], satisfied=899, rated=1000, previous_points=None
    )
    assert (b.satisfaction_coefficient, b.total) == (0.9, 1.8)
    b = service_points(
        title="junior", activities=["assessment"], satisfied=900, rated=1000, previous_points=None
    )
    assert (b.satisfaction_coefficient, b.total) == (1.0, 2.0)


def test_points_are_rounded_to_four_decimals():
    rules = merge_rules({"base_points": {"communication": 0.123456}})
    b = service_points(
        title="junior",
        activities=["communication"],
        satisfied=0,
        rated=0,
        previous_points=1.234567,
        rules=rules,
    )
    assert b.activity_points == 0.1235  # 0.123456
    assert b.cumulative_points == 0.1235  # 10 % of 1.234567
    assert b.total == 0.2469  # 0.123456 + 0.1234567 = 0.2469127


def test_an_unknown_title_counts_once_and_an_unknown_work_function_earns_nothing():
    b = service_points(
        title="emeritus",
        activities=["assessment", "lecture"],
        satisfied=0,
        rated=0,
        previous_points=None,
    )
    assert [(x.work_function, x.base_points, x.capability) for x in b.lines] == [
        ("assessment", 2.0, 1.0),
        ("lecture", 0.0, 1.0),
    ]
    assert b.total == 2.0


def test_a_layer_replaces_a_list_setting_whole_whatever_its_shape():
    assert merge_rules({"stars": {"gold": 100}})["stars"] == {"gold": 100}
    assert merge_rules({"stars": [[5, 1]]})["stars"] == [[5, 1]]
    assert merge_rules({"capability": {"junior": 1.1}})["capability"]["senior"] == 1.8
