"""Records pages in a real browser: the record, the service log, the community page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workshop.accounts.models import Planner
from workshop.assessments import versions
from workshop.assessments.review import add_facilitator, save_review
from workshop.assessments.service import latest_record
from workshop.communities.models import Community
from workshop.db import Database
from workshop.followup import service as followup
from workshop.service_log import service as log

from ..factories import make_planner
from ..records.helpers import SAMPLE_SPATIAL, closed_workshop
from .pages import log_in_as_demo

pytestmark = pytest.mark.browser


def _arrange(url: str) -> tuple[int, int]:
    database = Database(url)
    with database.unit_of_work() as s:
        demo = s.scalars(select(Planner).where(Planner.username == "demo")).one()
        community = s.scalars(select(Community)).first()
        first, props = closed_workshop(s, planner=demo, community=community, on=date(2026, 5, 9))
        item = followup.adopt(
            db=s, workshop=first, planner=demo, proposal_id=props["增设休息座椅"].id
        )
        for status, note, on in (
            ("designing", "委托设计单位出方案", date(2026, 6, 2)),
            ("approved", "街道办批复", date(2026, 8, 20)),
        ):
            followup.update(db=s, follow_up=item, planner=demo, status=status, note=note, on=on)
        shelved = followup.adopt(
            db=s, workshop=first, planner=demo, proposal_id=props["步道照明"].id
        )
        followup.update(db=s, follow_up=shelved, planner=demo, status="shelved",
                        note="年度资金未落实，明年再议", on=date(2026, 7, 1))  # fmt: skip
        versions.finalise(db=s, workshop=first, planner=demo)

        ws, props = closed_workshop(s, planner=demo, community=community, title="口袋公园议事会")
        architect = make_planner(s, discipline="architect", name="李建筑", title="associate_senior")
        engineer = make_planner(s, discipline="engineer", name="王工程", title="senior")
        for p in (architect, engineer):
            add_facilitator(db=s, workshop=ws, by=demo, username=p.username)
        cost = {"cost_band": "10k_100k", "priority": "high"}
        save_review(db=s, workshop=ws, planner=architect, proposal_id=props["增设休息座椅"].id,
                    feasibility="feasible", comment="座椅靠墙布置，留出通道", **cost)  # fmt: skip
        save_review(db=s, workshop=ws, planner=engineer, proposal_id=props["增设休息座椅"].id,
                    feasibility="not_feasible", comment="人行道下有燃气管线", **cost)  # fmt: skip
        save_review(db=s, workshop=ws, planner=demo, proposal_id=props["步道照明"].id,
                    feasibility="conditional", comment="需与物业分担电费", **cost)  # fmt: skip
        versions.edit_record(db=s, workshop=ws, planner=demo,
                             findings="老年居民最关心休息设施；商户关心夜间照明。",
                             recommendations="座椅方案需避开燃气管线，先做安全评估。",
                             goals=["建成全龄友好步道", "保护黄葛古树", "每年一次社区议事会"],
                             place="社区活动室")  # fmt: skip
        record = latest_record(db=s, workshop=ws)
        record.content = record.content | {"spatial": SAMPLE_SPATIAL}
        form = log.EntryForm(on="2026-10-08", community_id=community.id,
                             work_function="concept_promotion", hours="1.5",
                             summary="社区规划进校园讲座", special_points="5",
                             media_coverage="重庆日报 2026-10-09")  # fmt: skip
        log.add_entry(db=s, planner=demo, form=form)
        ids = ws.id, community.id
    database.dispose()
    return ids


def _open(page, url: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.url == url, (url, page.url)  # not redirected to the login or elsewhere


def test_records_pages_show_reviews_entries_points_and_progress(server, browser, settings):
    ws_id, community_id = _arrange(settings.database_url)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in_as_demo(page, server.base_url)

    _open(page, f"{server.base_url}/console/workshops/{ws_id}/assessment")
    assert page.get_by_text("三师会商：居民意见与专业评审对照").is_visible()
    assert page.locator("tr.disagree").count() >= 1
    assert page.get_by_text("空间分析").is_visible()

    _open(page, f"{server.base_url}/console/service-log")
    assert page.get_by_text("社区规划进校园讲座").is_visible()

    _open(page, f"{server.base_url}/console/points?year=2026")
    assert page.get_by_text("年度服务积分").first.is_visible()

    _open(page, f"{server.base_url}/console/communities/{community_id}")
    assert page.get_by_text("委托设计单位出方案").is_visible()

    _open(page, f"{server.base_url}/console/records")
    assert page.get_by_text("口袋公园议事会").is_visible()

    _open(page, f"{server.base_url}/console/workshops/{ws_id}")
    page.wait_for_selector("#records-panel ul")
    assert page.locator("#records-panel").get_by_text("王工程").is_visible()
    assert page.locator("#records-panel").get_by_text("街道办批复").is_visible()
    page.close()
