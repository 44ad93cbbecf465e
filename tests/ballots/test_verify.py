"""Tamper evidence: `workshop verify` passes on an untouched workshop and names the entry
that was edited straight in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from workshop.audit.chain import vote_chain_head
from workshop.audit.checks import verify_workshop
from workshop.cli import main
from workshop.config import get_settings
from workshop.proposals import service
from workshop.proposals.models import Vote, VoteChange
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_planner, make_workshop


@pytest.fixture
def cli_env(settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _voted(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        ws = make_workshop(db, stage="proposals")
        a, b = (
            service.submit_proposal(db=db, workshop=ws, participant=None, title=t)
            for t in ("步道照明", "增设座椅")
        )
        advance_stage(db=db, workshop=ws)
        people = [make_participant(db, ws) for _ in range(3)]
        for p in people:
            service.cast_vote(db=db, workshop=ws, participant=p, proposal_id=a.id, value=1)
        service.cast_vote(db=db, workshop=ws, participant=people[0], proposal_id=b.id, value=1)
        service.cast_vote(db=db, workshop=ws, participant=people[0], proposal_id=b.id, value=0)
        planner = make_planner(db, username="paper-entry")
        service.record_ballot(
            db=db, workshop=ws, planner=planner, source="paper", group="", values={b.id: 1}
        )
        return ws.id


def test_chain_links_every_change_to_the_one_before(database):
    ws_id = _voted(database)
    with database.unit_of_work(write=False) as db:
        changes = list(db.scalars(select(VoteChange).order_by(VoteChange.id)))
        assert len(changes) == 6
        assert changes[0].prev_hash is None
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.prev_hash == before.entry_hash
        assert vote_chain_head(db, ws_id) == changes[-1].entry_hash
        checked, problems = verify_workshop(db, ws_id)
        assert checked == {"vote_changes": 6, "records": 0} and problems == []


def test_verify_passes_on_an_untouched_workshop(database, cli_env, capsys):
    ws_id = _voted(database)
    assert main(["verify", "--workshop", str(ws_id)]) == 0
    assert f"workshop {ws_id}: OK (6 vote changes, 0 records)" in capsys.readouterr().out


def test_verify_fails_when_a_vote_row_is_edited_in_the_database(database, cli_env, capsys):
    ws_id = _voted(database)
    with database.unit_of_work() as db:
        vote = db.scalars(select(Vote).order_by(Vote.id)).first()
        db.execute(update(Vote).where(Vote.id == vote.id).values(value=0))
        vote_id = vote.id
    assert main(["verify", "--workshop", str(ws_id)]) == 1
    out = capsys.readouterr().out
    assert f"workshop {ws_id}: FAILED" in out
    assert f"vote-row #{vote_id}: vote differs from audit entry" in out


def test_verify_names_an_edited_audit_entry_and_the_one_after(database, cli_env, capsys):
    ws_id = _voted(database)
    with database.unit_of_work() as db:
        ids = list(db.scalars(select(VoteChange.id).order_by(VoteChange.id)))
        # Rewrite both the entry and the vote so the rows agree: only the chain shows it.
        change = db.get(VoteChange, ids[1])
        db.execute(update(VoteChange).where(VoteChange.id == ids[1]).values(new_value=0))
        db.execute(
            update(Vote)
            .where(
                Vote.round_id == change.round_id,
                Vote.proposal_id == change.proposal_id,
                Vote.participant_id == change.participant_id,
            )
            .values(value=0)
        )
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert f"vote #{ids[1]}: entry changed after it was written" in out
    assert "vote-row" not in out
    # Deleting an entry breaks the link of the next one.
    with database.unit_of_work() as db:
        db.execute(update(VoteChange).where(VoteChange.id == ids[1]).values(new_value=1))
        db.delete(db.get(VoteChange, ids[2]))
    assert main(["verify", "--workshop", str(ws_id)]) == 1
    out = capsys.readouterr().out
    assert f"vote #{ids[3]}: previous hash does not match" in out
