"""Erasing participants' personal information after a meeting (PIPL): nicknames, tablet
sign-ins, comments and photos go; groups, assets, proposals, votes and the chains stay."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from workshop import cli
from workshop.assets.models import Asset
from workshop.audit.checks import verify_workshop
from workshop.deps import PARTICIPANT_COOKIE
from workshop.proposals.models import Vote
from workshop.workshops.models import Participant, SatisfactionResponse, Workshop

from ..factories import make_workshop
from ..records.helpers import closed_workshop
from .helpers import text_of

HX = {"HX-Request": "true"}


def _closed_with_personal_data(database, planner, settings, **kwargs):  # type: ignore[no-untyped-def]
    photos = settings.data_dir / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    (photos / "face.jpg").write_bytes(b"\xff\xd8\xff")
    with database.unit_of_work() as s:
        ws, _ = closed_workshop(s, planner=s.merge(planner), **kwargs)
        for i, p in enumerate(
            s.scalars(select(Participant).where(Participant.workshop_id == ws.id))
        ):
            p.nickname = f"王阿姨{i}"
        for r in s.scalars(select(SatisfactionResponse)):
            r.comment = "我是3号楼的王阿姨，电话138..."
        s.scalars(select(Asset).where(Asset.workshop_id == ws.id)).first().photo = "face.jpg"
        return ws.id, ws.join_code, photos / "face.jpg"


def _counts(database, ws_id):  # type: ignore[no-untyped-def]
    with database.unit_of_work(write=False) as s:
        return (
            s.scalar(select(func.count()).select_from(Asset).where(Asset.workshop_id == ws_id)),
            s.scalar(select(func.count()).select_from(Vote)),
            sorted(s.scalars(select(Participant.group).where(Participant.workshop_id == ws_id))),
        )


def test_planner_erases_nicknames_sign_ins_comments_and_photos(
    app, planner_client, database, settings
):
    ws_id, code, photo = _closed_with_personal_data(database, planner_client.planner, settings)
    tablet = TestClient(app, base_url="http://testserver")
    with database.unit_of_work(write=False) as s:  # a tablet still signed in after the meeting
        person = s.scalars(select(Participant).where(Participant.workshop_id == ws_id)).first()
        signed = URLSafeSerializer(app.state.secret_key, salt="participant").dumps(
            {"w": ws_id, "t": person.token}
        )
    tablet.cookies.set(PARTICIPANT_COOKIE, signed)
    assert tablet.get(f"/w/{code}", follow_redirects=False).status_code == 200
    before = _counts(database, ws_id)
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/edit").text)
    assert "清除参与者个人信息" in page
    done = planner_client.post(
        f"/console/workshops/{ws_id}/erase-personal-data", follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("/edit?erased=1")
    with database.unit_of_work(write=False) as s:
        people = list(s.scalars(select(Participant).where(Participant.workshop_id == ws_id)))
        assert people and all(p.nickname == "" for p in people)
        assert all(r.comment == "" for r in s.scalars(select(SatisfactionResponse)))
        assert all(a.photo is None for a in s.scalars(select(Asset)))
        assert s.get(Workshop, ws_id).personal_data_erased_at is not None
        checked, problems = verify_workshop(s, ws_id)
        assert problems == [] and checked["vote_changes"] > 0
    assert _counts(database, ws_id) == before  # groups, assets and votes all stay
    assert not photo.exists()
    # The tablet's old sign-in no longer opens the workshop.
    assert tablet.get(f"/w/{code}", follow_redirects=False).status_code == 303
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/edit?erased=1").text)
    assert "已清除参与者个人信息。" in page and "已于" in page
    tablet.close()


def test_an_open_meeting_keeps_its_information(planner_client, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="voting", planner=s.merge(planner_client.planner))
        ws_id = ws.id
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/edit").text)
    assert "工作坊结束后才能清除" in page
    refused = planner_client.post(f"/console/workshops/{ws_id}/erase-personal-data", headers=HX)
    assert refused.status_code == 409
    assert "工作坊还没有结束，不能清除参与者个人信息。" in text_of(refused.text)


def test_cli_erases_closed_workshops_older_than_the_retention_period(
    planner_client, database, settings, monkeypatch, capsys
):
    old_id, _, photo = _closed_with_personal_data(
        database, planner_client.planner, settings, on=date.today() - timedelta(days=120)
    )
    recent_id, _, _ = _closed_with_personal_data(
        database, planner_client.planner, settings, on=date.today() - timedelta(days=10)
    )
    monkeypatch.setattr(cli, "_database", lambda: database)
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    assert cli.main(["erase-personal-data", "--older-than-days", "90"]) == 0
    out = capsys.readouterr().out
    assert f"workshop {old_id} " in out and f"workshop {recent_id} " not in out
    assert "6 nicknames, 6 comments" in out
    with database.unit_of_work(write=False) as s:
        assert s.get(Workshop, old_id).personal_data_erased_at is not None
        assert s.get(Workshop, recent_id).personal_data_erased_at is None
    assert cli.main(["erase-personal-data", "--older-than-days", "90"]) == 0
    assert "nothing to erase" in capsys.readouterr().out
