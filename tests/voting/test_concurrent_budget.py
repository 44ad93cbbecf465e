"""Threads hammering one participant's dot budget and one proposal: no overspend, no
duplicate rows. Runs on SQLite, and on PostgreSQL with WORKSHOP_TEST_DATABASE_URL set."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from workshop.errors import DomainError
from workshop.proposals import service
from workshop.proposals.models import Vote, VoteChange
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_workshop


def _dot_round(database, n_proposals: int, people: int):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals")
        ids = [
            service.submit_proposal(db=s, workshop=ws, participant=None, title=f"提案{i}").id
            for i in range(n_proposals)
        ]
        advance_stage(db=s, workshop=ws)
        service.close_round(db=s, workshop=ws)
        service.start_round(db=s, workshop=ws, method="dots", dots_total=5, dots_per_proposal=3)
        persons = [make_participant(s, ws).id for _ in range(people)]
        return ws.id, ids, persons


def _hammer(database, ws_id: int, jobs: list[tuple[int, int]]) -> tuple[int, int]:
    ok = refused = 0
    lock = threading.Lock()

    def one(job: tuple[int, int]) -> None:
        nonlocal ok, refused
        person, proposal = job
        try:
            with database.unit_of_work() as s:
                service.change_dots(
                    db=s,
                    workshop=s.get(Workshop, ws_id),
                    participant=s.get(Participant, person),
                    proposal_id=proposal,
                    delta=1,
                )
            with lock:
                ok += 1
        except DomainError:
            with lock:
                refused += 1

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, jobs))
    return ok, refused


def test_one_participant_cannot_overspend_from_many_threads(database):
    ws_id, ids, (person,) = _dot_round(database, 4, 1)
    # 40 concurrent "+1" on 4 proposals: only 5 dots exist, at most 3 on one proposal.
    ok, refused = _hammer(database, ws_id, [(person, ids[i % 4]) for i in range(40)])
    assert (ok, refused) == (5, 35)
    with database.unit_of_work(write=False) as s:
        values = s.scalars(select(Vote.value).where(Vote.participant_id == person)).all()
        assert sum(values) == 5 and max(values) <= 3
        assert len(values) == len(set(s.scalars(select(Vote.proposal_id))))
        # Every acknowledged change is in the audit trail, nothing more.
        assert s.scalar(select(func.count()).select_from(VoteChange)) == 5


def test_many_participants_on_one_proposal_keep_one_row_each_and_the_cap(database):
    ws_id, (pid,), persons = _dot_round(database, 1, 6)
    # Each of 6 people presses "+" 5 times at once on the same proposal: k = 3 each.
    ok, refused = _hammer(database, ws_id, [(p, pid) for p in persons for _ in range(5)])
    assert (ok, refused) == (18, 12)
    with database.unit_of_work(write=False) as s:
        rows = s.execute(select(Vote.participant_id, Vote.value)).all()
        assert sorted(rows) == sorted((p, 3) for p in persons)
