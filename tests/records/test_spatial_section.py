"""The record shows workshop.analysis's spatial findings when the content has them."""

from __future__ import annotations

from sqlalchemy import select

from workshop.assessments.models import AssessmentRecord

from ..web.helpers import text_of
from .helpers import SAMPLE_SPATIAL, closed_workshop


def test_spatial_section_renders_from_the_analysis_shape(planner_client, database):
    with database.unit_of_work() as s:
        ws, _ = closed_workshop(s, planner=s.merge(planner_client.planner))
        record = s.scalars(select(AssessmentRecord)).one()
        record.content = record.content | {"spatial": SAMPLE_SPATIAL}
        ws_id = ws.id
    text = text_of(planner_client.get(f"/console/workshops/{ws_id}/assessment").text)
    assert "空间分析" in text and "社区面积：42.5 公顷" in text
    assert "41%" in text and "93%" in text  # coverage by radius
    assert "步行范围内覆盖不足一半社区面积的：生态资产" in text
    assert "黄葛古树 / 黄桷古树" in text and "相距 12 米" in text
    assert "社会资产：4 处" in text
    # Facility names are labelled by the analysis area, never shown as their keys.
    assert "有 · 幼儿园" in text and "缺 · 养老服务站（老年服务）" in text
    assert "elderly_service" not in text and "kindergarten" not in text


def test_no_spatial_section_without_findings(planner_client, database):
    with database.unit_of_work() as s:
        ws, _ = closed_workshop(s, planner=s.merge(planner_client.planner))
        record = s.scalars(select(AssessmentRecord)).one()
        record.content = record.content | {"spatial": None}
        ws_id = ws.id
    assert "空间分析" not in planner_client.get(f"/console/workshops/{ws_id}/assessment").text


def test_a_record_in_the_skeleton_format_still_renders(planner_client, database):
    with database.unit_of_work() as s:
        ws, _ = closed_workshop(s, planner=s.merge(planner_client.planner))
        record = s.scalars(select(AssessmentRecord)).one()
        legacy = {
            k: v
            for k, v in record.content.items()
            if k not in ("format", "spatial", "findings", "recommendations", "goals", "reviews",
                         "followup", "meeting")
        }  # fmt: skip
        record.content = legacy
        ws_id = ws.id
    page = planner_client.get(f"/console/workshops/{ws_id}/assessment")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "旧格式" in text and "增设休息座椅" in text and "三师会商" not in text
    assert planner_client.get(f"/console/workshops/{ws_id}/report.html").status_code == 200


def test_finalising_a_skeleton_record_stores_who_and_when(db):
    from workshop.assessments.versions import finalise, record_version

    workshop, _ = closed_workshop(db)
    record = db.scalars(select(AssessmentRecord)).one()
    record.content = {k: v for k, v in record.content.items() if k != "format"}
    db.flush()
    finalise(db=db, workshop=workshop, planner=workshop.planner)
    db.expire_all()
    stored = record_version(db=db, workshop=workshop, version=1)
    assert stored.is_final and stored.content["finalised"]["by"] == workshop.planner.name
