"""Correcting a workshop's details and deleting a rehearsal: what the planner sees and
what is stored; a finalised workshop is never deleted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from workshop.assessments import versions
from workshop.assets.models import Asset
from workshop.ballots.cards import create_cards
from workshop.db import Base
from workshop.proposals.models import Vote, VoteChange
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops.models import Participant, Workshop

from ..factories import make_participant, make_workshop
from ..records.helpers import closed_workshop
from .helpers import text_of

HX = {"HX-Request": "true"}


def _count(db, model, **where) -> int:  # type: ignore[no-untyped-def]
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.scalar(stmt)


def test_planner_corrects_title_date_place_and_groups(planner_client, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="mapping", planner=s.merge(planner_client.planner))
        make_participant(s, ws, group="老年居民")
        ws_id = ws.id
    page = planner_client.get(f"/console/workshops/{ws_id}")
    assert "编辑工作坊信息" in text_of(page.text)
    form = planner_client.get(f"/console/workshops/{ws_id}/edit")
    assert form.status_code == 200 and "永久删除" in text_of(form.text)
    saved = planner_client.post(
        f"/console/workshops/{ws_id}/edit",
        data={
            "title": "  花园街口微更新议事会 ",
            "date": "2026-12-03",
            "place": "社区活动中心二楼",
            "groups": "老年居民\n租户\n\n租户\n商户",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("/edit?saved=1")
    with database.unit_of_work(write=False) as s:
        ws = s.get(Workshop, ws_id)
        assert (ws.title, ws.date, ws.place) == (
            "花园街口微更新议事会",
            date(2026, 12, 3),
            "社区活动中心二楼",
        )
        assert ws.resident_groups == ["老年居民", "租户", "商户"]
    assert "已保存。" in text_of(
        planner_client.get(f"/console/workshops/{ws_id}/edit?saved=1").text
    )


def test_a_group_residents_chose_stays_and_bad_input_changes_nothing(planner_client, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="mapping", planner=s.merge(planner_client.planner))
        make_participant(s, ws, group="老年居民")
        ws_id, title, groups = ws.id, ws.title, list(ws.resident_groups)
    refused = planner_client.post(
        f"/console/workshops/{ws_id}/edit",
        data={"title": "新名称", "date": "2026-12-03", "groups": "中青年居民"},
        headers=HX,
    )
    assert refused.status_code == 422
    assert "已有居民选择了“老年居民”，不能删掉这一项。" in text_of(refused.text)
    for data, message in (
        ({"title": " ", "date": "2026-12-03", "groups": "老年居民"}, None),
        ({"title": "x", "date": "明天", "groups": "老年居民"}, None),
        ({"title": "x", "date": "2026-12-03", "groups": "\n \n"}, "至少需要一个居民身份。"),
    ):
        answer = planner_client.post(f"/console/workshops/{ws_id}/edit", data=data, headers=HX)
        assert answer.status_code == 422
        if message:
            assert message in text_of(answer.text)
    api = planner_client.post(
        f"/console/workshops/{ws_id}/edit",
        data={"title": "x", "date": "2026-12-03", "groups": "\n"},
        headers={"Accept": "application/json"},
    )
    assert api.status_code == 422 and api.json()["detail"] == "至少需要一个居民身份。"
    with database.unit_of_work(write=False) as s:
        ws = s.get(Workshop, ws_id)
        assert (ws.title, ws.resident_groups) == (title, groups)


def test_deleting_a_rehearsal_removes_everything_in_it(planner_client, database, settings):
    photos = settings.data_dir / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    (photos / "rehearsal.jpg").write_bytes(b"\xff\xd8\xff")
    with database.unit_of_work() as s:
        planner = s.merge(planner_client.planner)
        keep = make_workshop(s, stage="voting", planner=planner, title="正式议事会")
        ws, _ = closed_workshop(s, planner=planner, title="演练")
        create_cards(db=s, workshop=ws, count=2)
        s.scalars(select(Asset).where(Asset.workshop_id == ws.id)).first().photo = "rehearsal.jpg"
        # A hand-made log entry citing the rehearsal as evidence loses only the link.
        entry = ServiceLogEntry(
            planner_id=planner.id,
            community_id=ws.community_id,
            workshop_id=ws.id,
            date=date(2026, 11, 24),
            work_function="assessment",
        )
        s.add(entry)
        make_participant(s, keep)
        ws_id, keep_id = ws.id, keep.id
    wrong = planner_client.post(
        f"/console/workshops/{ws_id}/delete", data={"confirm_title": "演练会"}, headers=HX
    )
    assert wrong.status_code == 422
    assert "输入的名称与工作坊名称不一致，没有删除任何内容。" in text_of(wrong.text)
    with database.unit_of_work(write=False) as s:
        assert s.get(Workshop, ws_id) is not None
    done = planner_client.post(
        f"/console/workshops/{ws_id}/delete",
        data={"confirm_title": " 演练 "},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/console?deleted=1"
    assert "工作坊已删除。" in text_of(planner_client.get("/console?deleted=1").text)
    with database.unit_of_work(write=False) as s:
        assert s.get(Workshop, ws_id) is None
        assert _count(s, Participant, workshop_id=ws_id) == 0
        assert _count(s, Asset, workshop_id=ws_id) == 0
        assert _count(s, Vote) == 0 and _count(s, VoteChange) == 0
        for table in Base.metadata.sorted_tables:  # nothing anywhere names the workshop
            for column in table.c:
                if any(fk.column.table.name == "workshop" for fk in column.foreign_keys):
                    n = s.scalar(select(func.count()).select_from(table).where(column == ws_id))
                    assert n == 0, (table.name, column.name)
        assert s.get(ServiceLogEntry, entry.id).workshop_id is None
        assert s.get(Workshop, keep_id) is not None
        assert _count(s, Participant, workshop_id=keep_id) == 1
    assert not (photos / "rehearsal.jpg").exists()
    assert planner_client.get(f"/console/workshops/{ws_id}").status_code == 404


def test_a_finalised_workshop_is_not_deleted(planner_client, database):
    with database.unit_of_work() as s:
        ws, _ = closed_workshop(s, planner=s.merge(planner_client.planner))
        versions.finalise(db=s, workshop=ws, planner=ws.planner)
        ws_id, title = ws.id, ws.title
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/edit").text)
    assert "评估记录已定稿的工作坊不能删除" in page and "永久删除" not in page
    refused = planner_client.post(
        f"/console/workshops/{ws_id}/delete", data={"confirm_title": title}, headers=HX
    )
    assert refused.status_code == 409
    with database.unit_of_work(write=False) as s:
        assert s.get(Workshop, ws_id) is not None


def test_only_the_lead_planner_edits_or_deletes(client, planner_client, database):
    with database.unit_of_work() as s:
        ws = make_workshop(s)
        ws_id, title = ws.id, ws.title
    for url, data in (
        (f"/console/workshops/{ws_id}/edit", {"title": "x", "date": "2026-12-03", "groups": "a"}),
        (f"/console/workshops/{ws_id}/delete", {"confirm_title": title}),
    ):
        assert planner_client.post(url, data=data).status_code == 404
    assert planner_client.get(f"/console/workshops/{ws_id}/edit").status_code == 404
    with database.unit_of_work(write=False) as s:
        assert s.get(Workshop, ws_id).title == title
