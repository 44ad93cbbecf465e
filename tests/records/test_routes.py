"""Records pages through HTTP: who may see what, edits, finalising, the log and points."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.assessments.models import AssessmentRecord
from workshop.followup.models import FollowUp
from workshop.service_log.models import ServiceLogEntry

from ..factories import PASSWORD, make_planner
from ..web.helpers import text_of
from .helpers import closed_workshop


def _closed(database, planner):
    with database.unit_of_work() as s:
        ws, props = closed_workshop(s, planner=s.merge(planner))
        return ws.id, ws.community_id, {t: p.id for t, p in props.items()}


def _login(app, database, **fields) -> TestClient:
    with database.unit_of_work() as s:
        planner = make_planner(s, **fields)
    client = TestClient(app)
    client.post("/login", data={"username": planner.username, "password": PASSWORD})
    client.planner = planner  # type: ignore[attr-defined]
    return client


def test_record_pages_need_a_login_and_hide_other_planners_workshops(
    client, planner_client, app, database
):
    ws_id, community_id, _ = _closed(database, planner_client.planner)
    anonymous = TestClient(app)
    page = anonymous.get(f"/console/workshops/{ws_id}/assessment", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    stranger = _login(app, database)
    for url in (
        f"/console/workshops/{ws_id}/assessment",
        f"/console/workshops/{ws_id}/assessment/v/1",
        f"/console/communities/{community_id}",
        f"/console/workshops/{ws_id}/_records_panel",
        f"/console/workshops/{ws_id}/report.html",
    ):
        assert stranger.get(url).status_code == 404, url
    for url in (
        f"/console/workshops/{ws_id}/assessment",
        f"/console/workshops/{ws_id}/assessment/finalise",
    ):
        assert stranger.post(url, data={"findings": "x"}).status_code == 404, url
    with database.unit_of_work(write=False) as s:
        record = s.scalars(select(AssessmentRecord)).one()
        assert (record.version, record.finalised_at, record.content["findings"]) == (1, None, "")


def test_edit_finalise_then_edit_makes_a_new_version(planner_client, database):
    ws_id, _, _ = _closed(database, planner_client.planner)
    base = f"/console/workshops/{ws_id}/assessment"
    form = {
        "findings": "<b>座椅</b>不足",
        "recommendations": "先做座椅",
        "goals": "全龄友好\n保护古树",
        "place": "活动室",
    }
    saved = planner_client.post(base, data=form, headers={"HX-Request": "true"})
    assert saved.status_code == 204 and saved.headers["HX-Redirect"] == base
    page = planner_client.get(base)
    assert "&lt;b&gt;座椅&lt;/b&gt;不足" in page.text and "<b>座椅" not in page.text
    assert "全龄友好" in text_of(page.text) and "草稿" in page.text
    assert planner_client.post(f"{base}/finalise").status_code == 200  # followed to the page
    again = planner_client.post(f"{base}/finalise", headers={"HX-Request": "true"})
    assert again.status_code == 409 and "已经定稿" in again.text
    planner_client.post(base, data=form | {"findings": "第二版的发现"})
    with database.unit_of_work(write=False) as s:
        records = s.scalars(select(AssessmentRecord).order_by(AssessmentRecord.version)).all()
        assert [(r.version, r.is_final) for r in records] == [(1, True), (2, False)]
        assert records[0].content["findings"] == "<b>座椅</b>不足"
        assert s.scalars(select(ServiceLogEntry)).one().assessment_id == records[0].id
    old = text_of(planner_client.get(f"{base}/v/1").text)
    assert "历史版本（第 1 版）" in old and "座椅" in old and "第二版的发现" not in old
    assert "第二版的发现" in planner_client.get(base).text
    too_long = planner_client.post(
        base, data=form | {"goals": "长" * 201}, headers={"HX-Request": "true"}
    )
    assert too_long.status_code == 422 and "太长" in too_long.text


def test_a_co_facilitator_reviews_and_sees_the_record_but_cannot_finalise(
    planner_client, app, database
):
    ws_id, community_id, props = _closed(database, planner_client.planner)
    engineer = _login(app, database, discipline="engineer", name="王工程")
    assert engineer.get(f"/console/workshops/{ws_id}/assessment").status_code == 404
    added = planner_client.post(
        f"/console/workshops/{ws_id}/facilitators", data={"username": engineer.planner.username}
    )
    assert added.status_code == 200
    panel = planner_client.get(f"/console/workshops/{ws_id}/_records_panel")
    assert "王工程" in panel.text
    page = engineer.get(f"/console/workshops/{ws_id}/assessment")
    assert page.status_code == 200 and "结构安全、绿色与节能" in page.text
    review = engineer.post(
        f"/console/workshops/{ws_id}/assessment/reviews",
        data={"proposal_id": props["增设休息座椅"], "feasibility": "not_feasible",
              "cost_band": "10k_100k", "priority": "high", "comment": "地下管线密集"},
    )  # fmt: skip
    assert review.status_code == 200
    text = text_of(planner_client.get(f"/console/workshops/{ws_id}/assessment").text)
    assert "居民已形成共识，但工程师王工程认为不可行" in text and "地下管线密集" in text
    denied = engineer.post(
        f"/console/workshops/{ws_id}/assessment/finalise", headers={"HX-Request": "true"}
    )
    assert denied.status_code == 403 and "只有主持" in denied.text
    adopt = engineer.post(
        f"/console/workshops/{ws_id}/assessment/adopt",
        data={"proposal_id": props["增设休息座椅"]},
        headers={"HX-Request": "true"},
    )
    assert adopt.status_code == 403
    assert engineer.get(f"/console/communities/{community_id}").status_code == 200
    report = engineer.get(f"/console/workshops/{ws_id}/report.html")
    assert report.status_code == 200 and "王工程" in report.text  # co-facilitators listed


def test_adopt_and_follow_up_on_the_community_page(planner_client, database):
    ws_id, community_id, props = _closed(database, planner_client.planner)
    planner_client.post(
        f"/console/workshops/{ws_id}/assessment/adopt", data={"proposal_id": props["增设休息座椅"]}
    )
    with database.unit_of_work(write=False) as s:
        item = s.scalars(select(FollowUp)).one()
    bad = planner_client.post(
        f"/console/follow-ups/{item.id}",
        data={"status": "done", "on": "2026-11-25", "note": ""},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and "不能从“已采纳”直接改为“已完成”" in bad.text
    ok = planner_client.post(
        f"/console/follow-ups/{item.id}",
        data={"status": "designing", "on": "2026-11-25", "note": "委托设计"},
    )
    assert ok.status_code == 200
    page = text_of(planner_client.get(f"/console/communities/{community_id}").text)
    assert "增设休息座椅" in page and "设计中" in page and "委托设计" in page


def test_service_log_by_hand_csv_and_points_page(planner_client, app, database):
    ws_id, community_id, _ = _closed(database, planner_client.planner)
    planner_client.post(f"/console/workshops/{ws_id}/assessment/finalise")
    talk = {
        "date": "2026-10-08",
        "community_id": community_id,
        "work_function": "concept_promotion",
    }
    added = planner_client.post(
        "/console/service-log", data=talk | {"hours": "1.5", "summary": "社区规划讲座"}
    )
    assert added.status_code == 200
    bad = planner_client.post(
        "/console/service-log",
        data=talk | {"hours": "30", "summary": "x"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and "0.5 到 24" in bad.text
    log = text_of(planner_client.get("/console/service-log?year=2026").text)
    assert "社区规划讲座" in log and "理念推广" in log and "规划评估" in log and "默认值" in log
    exported = planner_client.get("/console/service-log.csv?year=2026")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "社区规划讲座" in exported.text and "规划评估" in exported.text
    xlsx = planner_client.get("/console/points.xlsx?year=2026")
    assert xlsx.content.startswith(b"PK") and "spreadsheetml" in xlsx.headers["content-type"]
    breakdown = planner_client.get("/console/points.csv?year=2026").content.decode("utf-8")
    assert "年度服务积分" in breakdown and "规划评估" in breakdown
    assert planner_client.get("/console/points.pdf").status_code == 404
    points = text_of(planner_client.get("/console/points?year=2026").text)
    assert "默认值" in points and "满意度系数" in points and "首年" in points
    with database.unit_of_work(write=False) as s:
        manual = s.scalars(
            select(ServiceLogEntry).where(ServiceLogEntry.auto_workshop_id.is_(None))
        ).one()
    stranger = _login(app, database)
    assert stranger.get(f"/console/service-log/{manual.id}/edit").status_code == 404
    assert stranger.post(f"/console/service-log/{manual.id}/delete").status_code == 404
    assert "社区规划讲座" not in stranger.get("/console/service-log.csv").text
    edit = planner_client.get(f"/console/service-log/{manual.id}/edit")
    assert "社区规划讲座" in edit.text
    planner_client.post(f"/console/service-log/{manual.id}/delete")
    with database.unit_of_work(write=False) as s:
        assert s.get(ServiceLogEntry, manual.id) is None


def test_profile_sets_the_title_the_points_use(planner_client, database):
    bad = planner_client.post(
        "/console/profile",
        data={"discipline": "wizard", "title": "senior"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and "专业只能是" in bad.text
    planner_client.post(
        "/console/profile",
        data={"discipline": "engineer", "title": "senior", "organisation": "示例设计院"},
    )
    page = text_of(planner_client.get("/console/points?year=2026").text)
    assert "能力系数（正高级）" in page and "示例设计院" in page
