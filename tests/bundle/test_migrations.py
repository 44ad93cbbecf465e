"""Revision 0009 gives existing participants, proposals and rounds a random ref; the models
match the migrated schema (no drift for autogenerate to find)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

import workshop.models  # noqa: F401 - every table in the metadata
from workshop.db import Base, Database
from workshop.migrate import alembic_config, upgrade
from workshop.proposals.service import submit_proposal
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_workshop


def test_existing_rows_get_distinct_refs(tmp_path):
    """Rows made at head, the column dropped (downgrade to 0008), then upgraded again."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    database = Database(url)
    with database.unit_of_work() as db:
        ws = make_workshop(db, stage="proposals")
        submit_proposal(db=db, workshop=ws, participant=None, title="座椅")
        for _ in range(3):
            make_participant(db, ws)
        advance_stage(db=db, workshop=ws)  # opens a round
    database.dispose()
    command.downgrade(alembic_config(url), "0008")
    engine = create_engine(url)
    with engine.connect() as conn:
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(participant)"))]
        assert "ref" not in columns
    upgrade(url)
    with engine.connect() as conn:
        for name, count in (("participant", 3), ("proposal", 1), ("voting_round", 1)):
            refs = list(conn.execute(text(f"SELECT ref FROM {name}")).scalars())
            assert len(refs) == count == len(set(refs)) and all(len(r) == 16 for r in refs)
    engine.dispose()


def test_models_match_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'head.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
