"""Paper ballots entered while tablets vote: every vote counted once, the hash chain
unbroken (one linear chain per workshop, no fork). SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from workshop.accounts.models import Planner
from workshop.audit.checks import verify_workshop
from workshop.proposals import service
from workshop.proposals.models import Vote, VoteChange
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_planner, make_workshop


def test_paper_entries_and_tablet_votes_at_once(database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals")
        a, b = (
            service.submit_proposal(db=s, workshop=ws, participant=None, title=t).id
            for t in ("步道照明", "增设座椅")
        )
        advance_stage(db=s, workshop=ws)  # approval round
        people = [make_participant(s, ws).id for _ in range(12)]
        planner_id, ws_id = make_planner(s, username="facilitator").id, ws.id

    def tablet(person: int) -> None:
        with database.unit_of_work() as s:
            w, p = s.get(Workshop, ws_id), s.get(Participant, person)
            for pid in (a, b):
                service.cast_vote(db=s, workshop=w, participant=p, proposal_id=pid, value=1)

    def paper(_i: int) -> None:
        with database.unit_of_work() as s:
            service.record_ballot(
                db=s,
                workshop=s.get(Workshop, ws_id),
                planner=s.get(Planner, planner_id),
                source="paper",
                group="老年居民",
                values={a: 1},
            )

    jobs = [(tablet, p) for p in people] + [(paper, i) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(fn, arg) for fn, arg in jobs]:
            future.result()

    with database.unit_of_work(write=False) as s:
        w = s.get(Workshop, ws_id)
        rows, voters = service.tally(db=s, workshop=w)
        by_id = {r.proposal_id: r for r in rows}
        assert voters == 20
        assert by_id[a].by_source == {"tablet": 12, "paper": 8, "assisted": 0}
        assert by_id[b].by_source == {"tablet": 12, "paper": 0, "assisted": 0}
        assert s.scalar(select(func.count()).select_from(Vote)) == 32
        assert s.scalar(select(func.count()).select_from(VoteChange)) == 32
        # One chain: 32 distinct links, each previous hash used exactly once.
        prevs = s.scalars(select(VoteChange.prev_hash)).all()
        assert len(set(prevs)) == 32 and prevs.count(None) == 1
        checked, problems = verify_workshop(s, ws_id)
        assert checked["vote_changes"] == 32 and problems == []
