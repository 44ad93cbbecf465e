"""Migration 0016: rules saved as 0.6667 by the old percentage form are 2/3 again, with a
note the next draft of the record prints; finalised records are not touched."""

from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa
from alembic import command
from sqlalchemy import create_engine

from workshop.assessments.service import build_content, create_record
from workshop.db import Database, utcnow
from workshop.migrate import alembic_config, upgrade
from workshop.voting.consensus import Rules
from workshop.voting.rules import WorkshopRules, rules_of, save_rules

from ..factories import make_workshop

LEGACY = {
    "consensus": {
        "agreement_threshold": 0.6667,
        "group_min_voters": 3,
        "group_floor": 0.5,
        "quorum": 5,
    },
    "decision": {
        "basis": "cast",
        "threshold": 0.6666666666666666,
        "members": 0,
        "quorum_share": 0.55,
    },
    "method": "approval",
    "dots_total": 5,
    "dots_per_proposal": 3,
}


RULES = sa.table("voting_rules", sa.column("workshop_id", sa.Integer), sa.column("rules", sa.JSON))
RECORDS = sa.table("assessment_record", sa.column("id", sa.Integer), sa.column("content", sa.JSON))


def test_rounded_shares_are_restored_and_noted(settings):
    """On the test database (SQLite, or PostgreSQL when configured): rules made at head,
    downgraded to 0013, overwritten with what the old form stored, upgraded again."""
    url = settings.resolved_database_url()
    database = Database(url)
    with database.unit_of_work() as db:
        ws = make_workshop(db, stage="closed")
        save_rules(db=db, workshop=ws, rules=WorkshopRules(consensus=Rules(quorum=5)))
        final = create_record(db=db, workshop=ws)
        final.finalised_at = utcnow()
        ws_id, final_id = ws.id, final.id
    database.dispose()
    command.downgrade(alembic_config(url), "0013")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(RULES.update().where(RULES.c.workshop_id == ws_id).values(rules=LEGACY))
        frozen = conn.execute(
            sa.select(RECORDS.c.content).where(RECORDS.c.id == final_id)
        ).scalar_one()
    upgrade(url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(RULES.c.rules).where(RULES.c.workshop_id == ws_id)
        ).scalar_one()
        after = conn.execute(
            sa.select(RECORDS.c.content).where(RECORDS.c.id == final_id)
        ).scalar_one()
    engine.dispose()
    assert stored["consensus"]["agreement_threshold"] == "2/3"
    assert stored["consensus"]["group_floor"] == "1/2"
    assert stored["decision"]["threshold"] == "2/3"  # a float of 2/3: no note
    assert stored["decision"]["quorum_share"] == "11/20"  # 0.55 is exact: kept
    assert [(n["field"], n["from"], n["to"]) for n in stored["notes"]] == [
        ("agreement_threshold", "0.6667", "2/3")
    ]
    assert after == frozen  # the finalised record is evidence: untouched

    database = Database(url)
    with database.unit_of_work() as db:
        from workshop.workshops.models import Workshop

        ws = db.get(Workshop, ws_id)
        rules = rules_of(db=db, workshop=ws)
        assert rules.consensus.agreement_threshold == Fraction(2, 3)
        content = build_content(db=db, workshop=ws)
    database.dispose()
    (note,) = content["voting"]["rules_notes"]
    assert "共识所需赞成比例由保存时四舍五入的 0.6667 恢复为 2/3" in note
    assert content["voting"]["rules"]["agreement_threshold_exact"] == "2/3"


def test_a_legacy_float_read_from_anywhere_is_the_share_it_was_rounded_from():
    """An old bundle's rules arrive as floats after the migration ran: read the same way."""
    rules = WorkshopRules.from_json(LEGACY)
    assert rules.consensus.agreement_threshold == Fraction(2, 3)
    assert rules.decision.threshold == Fraction(2, 3)
    assert rules.decision.quorum_share == Fraction(11, 20)
    assert WorkshopRules.from_json(rules.to_json()) == rules
    assert rules.to_json()["consensus"]["agreement_threshold"] == "2/3"
