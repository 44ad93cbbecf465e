"""How a vote's outcome is said, in one place, for every reader of it.

The record page, the consensus report (HTML, PDF, DOCX) and the data exports (CSV, XLSX)
all take their percentages, verdict words and rule sentences from here, so a share is
rounded the same way everywhere and a rule is worded from the rule object that decides:

- `percent(share)`: one formatter (half up on the decimal value, "66.7%");
- `VERDICTS`: the verdict vocabulary, value -> catalog key of what the verdict means
  (its name is `label("verdict", value)`); a new verdict is one entry here plus its two
  catalog keys (`label.verdict.<v>`, `verdict.means.<v>`) in both languages;
- `decision_rule_sentence(rules)`: what "passed" means, from `DecisionRules`, tie included;
- `consensus_rule_sentence(rules)`: the verdict's thresholds, from `consensus.Rules`.

Words follow the current locale (`workshop.i18n`); the report calls these inside
`use_locale(REPORT_LOCALE)`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workshop.i18n import label, t
from workshop.voting.consensus import DecisionRules, Rules, Verdict, share_text

DASH = "—"

# verdict value -> catalog key of its meaning, in the order the annex explains them.
VERDICTS: dict[str, str] = {v.value: f"verdict.means.{v.value}" for v in Verdict}


def as_number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def percent_value(value: Any, digits: int = 1) -> Decimal | None:
    """The share as a percentage number, rounded half up: 0.66665 -> 66.7 (digits=1)."""
    number = as_number(value)
    if number is None:
        return None
    scaled = (Decimal(repr(number)) * 100).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return abs(scaled) if scaled == 0 else scaled  # never "-0.0%"


def percent(value: Any, digits: int = 1) -> str:
    """0.6667 -> "66.7%"; None (or anything not a number) -> "—". The only percentage
    formatter of the record page, the reports and the exports."""
    scaled = percent_value(value, digits)
    return DASH if scaled is None else f"{scaled:,}%"


def verdict_label(value: Any) -> str:
    """The verdict's name in the current locale ("形成共识"); "—" when there is none."""
    return label("verdict", str(value)) if value else DASH


def verdict_glossary() -> list[str]:
    """One sentence per verdict: its name and what it means (the report's annex)."""
    return [
        t("verdict.glossary_item", label=verdict_label(v), meaning=t(key))
        for v, key in VERDICTS.items()
    ]


def passed_label(passed: Any) -> str:
    if passed is None:
        return DASH
    return t("outcome.passed" if passed else "outcome.not_passed")


def decision_rules_from(data: Any) -> DecisionRules | None:
    """Rebuild the decision rule from a record's `voting.decision_rule` (None if absent)."""
    if not isinstance(data, dict) or not data:
        return None
    fields = DecisionRules.__dataclass_fields__
    kwargs = {k: v for k, v in data.items() if k in fields and v is not None}
    try:
        return DecisionRules(**kwargs)
    except TypeError:
        return None


def consensus_rules_from(data: Any) -> Rules | None:
    if not isinstance(data, dict) or not data:
        return None
    fields = Rules.__dataclass_fields__
    kwargs = {k: v for k, v in data.items() if k in fields and v is not None}
    for name in ("agreement_threshold", "group_floor"):
        # Records since definitions 2 keep each share exactly ("2/3") beside its rounding.
        if data.get(f"{name}_exact"):
            kwargs[name] = data[f"{name}_exact"]
    try:
        return Rules(**kwargs)
    except TypeError:
        return None


def _count(value: Any) -> int:
    number = as_number(value)
    return int(number) if number is not None else 0


def decision_rule_sentence(rules: DecisionRules) -> str:
    """The decision rule in words, worded from the object `consensus.decide` uses.

    A threshold of ½ or less means "more than" (so an exact ½, a tie under votes cast,
    fails); above ½ means "at least". The quorum is stated only when expected members
    are set, as `consensus.quorum_met` checks it only then."""
    members = _count(rules.members)
    if rules.basis == "cast":
        basis = t("rule.basis.cast")
    elif rules.basis == "present" or not members:
        basis = t("rule.basis.present")
    else:
        basis = t("rule.basis.members", members=members)
    threshold = percent(rules.threshold)
    parts = []
    if (as_number(rules.threshold) or 0) <= 0.5:
        exact = (
            t("rule.tie_fails")
            if rules.basis == "cast" and as_number(rules.threshold) == 0.5
            else t("rule.exact_fails", threshold=threshold)
        )
        parts.append(t("rule.more_than", basis=basis, threshold=threshold, exact=exact))
    else:
        parts.append(t("rule.at_least", basis=basis, threshold=threshold))
    if members:
        parts.append(t("rule.quorum", members=members, quorum=percent(rules.quorum_share)))
    else:
        parts.append(t("rule.no_quorum"))
    parts.append(t("rule.distinct"))
    return "".join(parts)


def consensus_rule_sentence(rules: Rules, *, definitions: int = 1) -> str:
    """The consensus verdict's thresholds in words (agreement, group floor, quorum).

    `definitions` is the record's `voting.rules.definitions`: 2 (docs/consensus.md) counts
    passes among an item's voters and names "no clear opinion" and the no-group line, with
    the thresholds exactly as stored ("2/3"); records made before keep the older wording."""
    if definitions >= 2:
        return t(
            "rule.consensus_v2",
            threshold=share_text(rules.agreement_threshold),
            min_voters=_count(rules.group_min_voters),
            floor=share_text(rules.group_floor),
            quorum=_count(rules.quorum),
        )
    return t(
        "rule.consensus",
        threshold=percent(rules.agreement_threshold),
        min_voters=_count(rules.group_min_voters),
        floor=percent(rules.group_floor),
        quorum=_count(rules.quorum),
        consensus=verdict_label(Verdict.CONSENSUS.value),
        insufficient=verdict_label(Verdict.INSUFFICIENT.value),
    )


def caveat(groups: Any) -> str:
    """The warning under a verdict that rests on a room that under-represents groups."""
    names = [str(g) for g in groups or [] if g]
    return t("ballots.verdict_caveat", groups=t("punct.list").join(names)) if names else ""


def rule_sentences(voting: Any) -> list[str]:
    """The consensus rule and the decision rule of a record's `voting` part, in words
    (the record page and the report print these same sentences)."""
    voting = voting if isinstance(voting, dict) else {}
    sentences = []
    if consensus := consensus_rules_from(voting.get("rules")):
        definitions = _count(voting["rules"].get("definitions")) or 1
        sentences.append(consensus_rule_sentence(consensus, definitions=definitions))
    if decision := decision_rules_from(voting.get("decision_rule")):
        sentences.append(decision_rule_sentence(decision))
    return sentences
