"""voting_rules: shares stored exactly ("2/3"), not as rounded floats

The old rules form showed shares as percentages rounded to two decimals and divided by
100, so a workshop whose rules were saved kept 0.6667 for 2/3 (an item at exactly 2/3
agreement then failed). Every float share becomes exact "numerator/denominator" text; a
float within the form's rounding (±0.00005) of a simple fraction (denominator ≤ 12) is
restored to it, and when that changed the value, a note is kept with the rules (the
assessment record prints it). Finalised records are not touched.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 06:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARES = {
    "consensus": ("agreement_threshold", "group_floor"),
    "decision": ("threshold", "quorum_share"),
}
# The old form: a percentage with two decimals, divided by 100.
ROUNDING = Fraction(1, 20000)

rules_table = sa.table(
    "voting_rules", sa.column("workshop_id", sa.Integer), sa.column("rules", sa.JSON)
)


def exact(value: float) -> tuple[Fraction, bool]:
    """Return the exact share a stored float stood for, and whether it was rounded."""
    written = Fraction(repr(float(value)))
    for denominator in range(1, 13):
        numerator = round(written * denominator)
        simple = Fraction(numerator, denominator)
        if abs(written - simple) <= ROUNDING:
            # 0.6666666666666666 is 2/3 as a float, not a rounding by the form.
            return simple, abs(written - simple) > Fraction(1, 10**12)
    return written, False


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = bind.execute(sa.select(rules_table.c.workshop_id, rules_table.c.rules)).all()
    for workshop_id, rules in rows:
        if not isinstance(rules, dict):
            continue
        changed = False
        notes = list(rules.get("notes") or [])
        for section, names in SHARES.items():
            part = rules.get(section)
            if not isinstance(part, dict):
                continue
            for name in names:
                value = part.get(name)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                share, rounded = exact(value)
                part[name] = f"{share.numerator}/{share.denominator}"
                changed = True
                if rounded:
                    notes.append(
                        {
                            "key": "threshold_restored",
                            "field": name,
                            "from": repr(float(value)),
                            "to": part[name],
                            "at": now,
                        }
                    )
        if changed:
            if notes:
                rules["notes"] = notes
            bind.execute(
                rules_table.update()
                .where(rules_table.c.workshop_id == workshop_id)
                .values(rules=rules)
            )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(rules_table.c.workshop_id, rules_table.c.rules)).all()
    for workshop_id, rules in rows:
        if not isinstance(rules, dict):
            continue
        for section, names in SHARES.items():
            part = rules.get(section)
            if not isinstance(part, dict):
                continue
            for name in names:
                value = part.get(name)
                if isinstance(value, str):
                    part[name] = float(Fraction(value))
        rules.pop("notes", None)
        bind.execute(
            rules_table.update().where(rules_table.c.workshop_id == workshop_id).values(rules=rules)
        )
