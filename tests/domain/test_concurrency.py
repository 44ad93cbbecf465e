"""Correctness under concurrent writers on one SQLite file (no timing asserted)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from workshop.proposals.models import Vote
from workshop.proposals.service import set_support, submit_proposal
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_workshop


def test_concurrent_votes_are_all_kept_once(database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals")
        ids = [
            submit_proposal(db=s, workshop=ws, participant=None, title=f"提案{i}").id
            for i in range(5)
        ]
        advance_stage(db=s, workshop=ws)
        people = [make_participant(s, ws).id for _ in range(12)]
        ws_id = ws.id

    def vote(args: tuple[int, int]) -> None:
        person, proposal = args
        with database.unit_of_work() as s:
            set_support(
                db=s,
                workshop=s.get(Workshop, ws_id),
                participant=s.get(Participant, person),
                proposal_id=proposal,
                support=True,
            )

    # Every participant supports every proposal twice, from 16 threads at once.
    jobs = [(p, q) for p in people for q in ids] * 2
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(vote, jobs))
    with database.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Vote)) == len(people) * len(ids)
        assert s.scalar(select(func.min(Vote.value))) == 1
