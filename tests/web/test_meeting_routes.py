"""The meeting loop through HTTP, with the in-process client and a real SQLite file."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from workshop.assets.models import Asset
from workshop.proposals.models import Proposal, Vote
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops.models import Participant, Workshop

from ..factories import demo_centre, make_community, make_workshop
from .helpers import join, text_of


def _workshop(database, planner, stage="welcome"):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner))
        return ws.id, ws.join_code


def test_console_lists_and_creates_workshops(planner_client, database):
    with database.unit_of_work() as s:
        community = make_community(s)
    page = planner_client.get("/console")
    assert page.status_code == 200
    assert "新建工作坊" in page.text and community.name in page.text
    response = planner_client.post(
        "/console/workshops",
        data={
            "community_id": community.id,
            "title": "口袋公园议事会",
            "date": "2026-12-01",
            "place": "活动室",
            "groups": "老年居民\n商户\n",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with database.unit_of_work(write=False) as s:
        ws = s.scalars(select(Workshop)).one()
        assert ws.resident_groups == ["老年居民", "商户"]
        assert ws.stage == "welcome"
    console = planner_client.get(response.headers["location"])
    assert ws.join_code in console.text
    assert "口袋公园议事会" in console.text


def test_bad_date_gets_a_chinese_message_and_saves_nothing(planner_client, database):
    with database.unit_of_work() as s:
        community = make_community(s)
    response = planner_client.post(
        "/console/workshops",
        data={"community_id": community.id, "title": "x", "date": "明天"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "日期格式不对" in response.text
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(Workshop)).first() is None


def test_join_by_code_then_welcome_then_tablet(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    resident = TestClient(client.app)
    wrong = resident.post("/join", data={"code": "ZZZZZZ"})
    assert wrong.status_code == 404 and "没有找到这个参与码" in wrong.text
    found = resident.post("/join", data={"code": code.lower()}, follow_redirects=False)
    assert found.headers["location"] == f"/j/{code}"
    welcome = resident.get(f"/j/{code}")
    assert "参与须知" in welcome.text and "不收集姓名、电话" in welcome.text
    no_consent = resident.post(f"/j/{code}", data={"nickname": "王阿姨"})
    assert no_consent.status_code == 422 and "请先阅读并同意" in no_consent.text
    join(resident, code, group="老年居民", nickname="王阿姨")
    page = resident.get(f"/w/{code}")
    assert page.status_code == 200 and "王阿姨" in page.text
    with database.unit_of_work(write=False) as s:
        p = s.scalars(select(Participant)).one()
        assert (p.group, p.nickname, p.workshop_id) == ("老年居民", "王阿姨", ws_id)


def test_tablet_without_cookie_is_sent_to_join(client, planner_client, database):
    _, code = _workshop(database, planner_client.planner)
    response = TestClient(client.app).get(f"/w/{code}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/j/{code}"


def test_forged_or_foreign_participant_cookie_is_refused(client, planner_client, database):
    _, code_a = _workshop(database, planner_client.planner)
    _, code_b = _workshop(database, planner_client.planner)
    resident = TestClient(client.app)
    join(resident, code_a)
    assert resident.get(f"/w/{code_b}", follow_redirects=False).status_code == 303
    resident.cookies.clear()
    resident.cookies.set("ws_participant", "forged.value")
    assert resident.get(f"/w/{code_a}", follow_redirects=False).status_code == 303


def test_resident_pins_an_asset_and_the_feed_shows_it(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner, stage="mapping")
    resident = TestClient(client.app)
    join(resident, code)
    page = resident.get(f"/w/{code}")
    assert "生态资产" in page.text and "map_workshop" in page.text
    lon, lat = demo_centre()
    saved = resident.post(
        f"/w/{code}/assets",
        data={"asset_class": "ecological", "name": "黄葛古树", "lon": lon, "lat": lat},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 201 and "已添加：黄葛古树" in saved.text
    outside = resident.post(
        f"/w/{code}/assets",
        data={"asset_class": "social", "name": "远处", "lon": lon, "lat": lat + 0.02},
        headers={"HX-Request": "true"},
    )
    assert outside.status_code == 422 and "社区范围外约" in outside.text
    api = resident.post(
        f"/w/{code}/assets",
        data={"asset_class": "social", "name": "x"},
        headers={"Accept": "application/json"},
    )
    assert api.status_code == 422 and api.json()["code"] == "geo.point_missing"
    feed = planner_client.get(f"/console/workshops/{ws_id}/assets.geojson").json()
    assert [f["properties"]["name"] for f in feed["features"]] == ["黄葛古树"]
    assert feed["features"][0]["geometry"]["coordinates"] == [round(lon, 7), round(lat, 7)]  # ~1 cm
    assert "participant" not in str(feed)


def test_proposal_then_support_and_withdraw(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner, stage="proposals")
    resident = TestClient(client.app)
    join(resident, code)
    r = resident.post(
        f"/w/{code}/proposals",
        data={"title": "增设休息座椅", "description": "老人走累了"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 201 and "已提交" in r.text
    early = resident.post(
        f"/w/{code}/proposals/1/support", data={"support": "true"}, headers={"HX-Request": "true"}
    )
    assert early.status_code == 403 and "现在不是这个环节" in early.text
    planner_client.post(f"/console/workshops/{ws_id}/stage", data={"expected": "proposals"})
    with database.unit_of_work(write=False) as s:
        pid = s.scalars(select(Proposal.id)).one()
    # (Sending it twice is one vote: tests/ux/test_resend_safety.py.)
    r = resident.post(
        f"/w/{code}/proposals/{pid}/support",
        data={"support": "true"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "已支持" in r.text
    board = planner_client.get(f"/console/workshops/{ws_id}/projector/_board")
    assert f'data-testid="supporters-{pid}">1<' in board.text
    r = resident.post(
        f"/w/{code}/proposals/{pid}/support",
        data={"support": "false"},
        headers={"HX-Request": "true"},
    )
    assert "支持" in r.text and "已支持" not in r.text
    with database.unit_of_work(write=False) as s:
        assert [v.value for v in s.scalars(select(Vote))] == [0]


def test_stage_check_tells_stale_pages_to_swap_in_place(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    resident = TestClient(client.app)
    join(resident, code)
    assert "HX-Trigger" not in resident.get(f"/w/{code}/_stage?seen=welcome").headers
    planner_client.post(f"/console/workshops/{ws_id}/stage", data={"expected": "welcome"})
    stale = resident.get(f"/w/{code}/_stage?seen=welcome")
    assert stale.headers["HX-Trigger"] == "workshop-stage"  # static/stage.js swaps, no reload
    assert "HX-Refresh" not in stale.headers
    stale = planner_client.post(f"/console/workshops/{ws_id}/stage", data={"expected": "welcome"})
    assert stale.status_code == 409


def test_whole_meeting_ends_in_record_log_and_reports(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner, stage="mapping")
    resident = TestClient(client.app)
    join(resident, code, group="商户")
    lon, lat = demo_centre()
    resident.post(
        f"/w/{code}/assets",
        data={"asset_class": "human", "name": "修伞手艺", "lon": lon, "lat": lat},
    )
    advance = lambda seen: planner_client.post(  # noqa: E731
        f"/console/workshops/{ws_id}/stage", data={"expected": seen}
    )
    advance("mapping")
    resident.post(f"/w/{code}/proposals", data={"title": "<b>夜间照明</b>"})
    advance("proposals")
    with database.unit_of_work(write=False) as s:
        pid = s.scalars(select(Proposal.id)).one()
    resident.post(f"/w/{code}/proposals/{pid}/support", data={"support": "true"})
    advance("voting")
    resident.post(f"/w/{code}/satisfaction", data={"rating": "satisfied"})
    advance("satisfaction")

    console = planner_client.get(f"/console/workshops/{ws_id}")
    assert "共识报告（PDF）" in console.text
    record = planner_client.get(f"/console/workshops/{ws_id}/assessment")
    text = text_of(record.text)
    assert "&lt;b&gt;夜间照明&lt;/b&gt;" in record.text and "<b>夜间照明" not in record.text
    assert "100.0%" in text and "商户" in text
    planner_client.post(f"/console/workshops/{ws_id}/assessment/finalise")
    log = planner_client.get("/console/service-log")
    assert "规划评估" in log.text and "参与 1 人，资产 1 处，提案 1 项" in log.text
    html = planner_client.get(f"/console/workshops/{ws_id}/report.html")
    assert html.status_code == 200 and "社区议事协商结果报告" in html.text
    # One voter is below the default quorum of 5: the verdict says so, with the rule.
    assert "参与不足" in html.text and "共识判断规则" in html.text
    assert "参与不足" in record.text
    pdf = planner_client.get(f"/console/workshops/{ws_id}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(ServiceLogEntry)).one().workshop_id == ws_id
        assert s.scalars(select(Asset)).one().asset_class == "human"


def test_qr_code_is_svg_with_the_join_url(planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    response = planner_client.get(f"/console/workshops/{ws_id}/qr.svg")
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    # Shown through <img>, an SVG needs its namespace or the browser draws nothing.
    assert 'xmlns="http://www.w3.org/2000/svg"' in response.text


def test_next_person_on_a_shared_tablet_starts_a_fresh_participant(
    client, planner_client, database
):
    _, code = _workshop(database, planner_client.planner, stage="proposals")
    tablet = TestClient(client.app)
    join(tablet, code, nickname="王阿姨")
    tablet.post(f"/w/{code}/proposals", data={"title": "增设休息座椅"})
    handed_on = tablet.post(f"/w/{code}/next-person", follow_redirects=False)
    assert handed_on.headers["location"] == f"/j/{code}/next"
    assert tablet.get(f"/w/{code}", follow_redirects=False).status_code == 303
    join(tablet, code, nickname="李大爷")
    assert "李大爷" in tablet.get(f"/w/{code}").text
    with database.unit_of_work(write=False) as s:
        people = s.scalars(select(Participant).order_by(Participant.id)).all()
        assert [p.nickname for p in people] == ["王阿姨", "李大爷"]
        assert s.scalars(select(Proposal)).one().participant_id == people[0].id


def test_plain_form_posts_work_before_htmx_has_loaded(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner, stage="proposals")
    resident = TestClient(client.app)
    join(resident, code)
    r = resident.post(f"/w/{code}/proposals", data={"title": "路灯"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/w/{code}"
    planner_client.post(f"/console/workshops/{ws_id}/stage", data={"expected": "proposals"})
    with database.unit_of_work(write=False) as s:
        pid = s.scalars(select(Proposal.id)).one()
    page = resident.post(f"/w/{code}/proposals/{pid}/support", data={"support": "true"})
    assert page.status_code == 200 and "已支持" in page.text
