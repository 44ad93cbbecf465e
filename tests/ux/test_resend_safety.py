"""A tablet resends an action whose request got no answer: the server must not count it twice."""

from __future__ import annotations

from sqlalchemy import select

from workshop.proposals.models import Vote
from workshop.proposals.service import submit_proposal

from ..factories import make_workshop
from ..web.helpers import join


def _voting(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals")
        p = submit_proposal(db=s, workshop=ws, participant=None, title="增设休息座椅")
        from workshop.workshops.stages import advance_stage

        advance_stage(db=s, workshop=ws)  # → voting (approval round)
        return ws.join_code, p.id


def _values(database, proposal_id):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        return [v.value for v in s.scalars(select(Vote).where(Vote.proposal_id == proposal_id))]


def test_support_sent_twice_is_one_vote(client, database):
    code, pid = _voting(database)
    join(client, code)
    for _ in range(2):
        response = client.post(
            f"/w/{code}/proposals/{pid}/support",
            data={"support": "true"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert "已支持" in response.text
    assert _values(database, pid) == [1]


def test_agree_choice_sent_twice_is_one_vote(client, database):
    from workshop.voting.rounds import close_round, start_round
    from workshop.workshops.models import Workshop

    code, pid = _voting(database)
    with database.unit_of_work() as s:
        ws = s.scalars(select(Workshop).where(Workshop.join_code == code)).one()
        close_round(db=s, workshop=ws)
        start_round(db=s, workshop=ws, method="agree")
    join(client, code)
    for _ in range(2):
        response = client.post(
            f"/w/{code}/proposals/{pid}/vote",
            data={"choice": "agree"},
            headers={"HX-Request": "true"},
        )
        # Both answers show the choice made (the resend is not refused or shown as new).
        assert response.status_code == 200 and "已保存" in response.text
        assert 'class="vote-control method-agree"' in response.text
        assert response.text.index('aria-pressed="true"') > response.text.index('value="agree"')
    assert _values(database, pid) == [1]  # agree, once (disagree would be -1)
