"""The service log by hand, its checks, the yearly points and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from workshop.assessments import versions
from workshop.errors import Forbidden, Invalid, NotFound
from workshop.service_log import exports, service, yearly
from workshop.service_log.models import ServiceLogEntry

from ..factories import make_planner
from .helpers import closed_workshop


def _form(community_id, **overrides):
    fields = {
        "on": "2026-10-01",
        "community_id": community_id,
        "work_function": "communication",
        "hours": "2",
        "summary": "与物业协调停车位",
    }
    return service.EntryForm(**(fields | overrides))


def test_entries_by_hand_are_checked_and_kept_per_planner(db):
    workshop, _ = closed_workshop(db)
    me, cid = workshop.planner, workshop.community_id
    entry = service.add_entry(db=db, planner=me, form=_form(cid, evidence=f"w:{workshop.id}"))
    assert (entry.workshop_id, entry.hours, entry.auto_workshop_id) == (workshop.id, 2.0, None)
    bad = {
        "log.date_invalid": {"on": "明天"},
        "log.date_out_of_range": {"on": "2999-01-01"},
        "log.unknown_function": {"work_function": "drinking_tea"},
        "log.hours_invalid": {"hours": "0"},
        "log.summary_required": {"summary": "  "},
        "log.special_invalid": {"special_points": "10.5", "media_coverage": "重庆日报"},
        "log.media_required": {"special_points": "5"},
        "log.evidence_invalid": {"evidence": "w:999999"},
    }
    for key, change in bad.items():
        with pytest.raises(Invalid, match=key):
            service.add_entry(db=db, planner=me, form=_form(cid, **change))
    colleague = make_planner(db)
    with pytest.raises(Invalid, match="log.evidence_invalid"):
        service.add_entry(db=db, planner=colleague, form=_form(cid, evidence=f"w:{workshop.id}"))
    with pytest.raises(NotFound):
        service.update_entry(db=db, planner=colleague, entry_id=entry.id, form=_form(cid))
    with pytest.raises(NotFound):
        service.delete_entry(db=db, planner=colleague, entry_id=entry.id)

    service.update_entry(db=db, planner=me, entry_id=entry.id, form=_form(cid, hours="3.5"))
    assert entry.hours == 3.5 and entry.workshop_id is None
    service.delete_entry(db=db, planner=me, entry_id=entry.id)
    assert db.scalars(select(ServiceLogEntry)).first() is None


def test_the_entry_a_record_made_cannot_be_deleted_but_can_be_corrected(db):
    workshop, _ = closed_workshop(db)
    record = versions.finalise(db=db, workshop=workshop, planner=workshop.planner)
    auto = db.scalars(select(ServiceLogEntry)).one()
    with pytest.raises(Forbidden):
        service.delete_entry(db=db, planner=workshop.planner, entry_id=auto.id)
    form = _form(
        workshop.community_id,
        on=workshop.date.isoformat(),
        work_function="assessment",
        hours="3",
        evidence=f"a:{record.id}",
    )
    service.update_entry(db=db, planner=workshop.planner, entry_id=auto.id, form=form)
    assert (auto.hours, auto.assessment_id, auto.auto_workshop_id) == (3.0, record.id, workshop.id)


def test_year_summary_by_hand(db):
    # senior (1.8). 2025: one 理念推广 (1), no ratings → coefficient 1.0 → 1.8 points.
    # 2026: finalised record (规划评估 2) + 沟通协调 (1) = 3 × 1.8 = 5.4; ratings 5/6 = 83.3 %
    # → band 0.9 → 4.86; carried over 10 % of 1.8 = 0.18; special 10 → 15.04 → 1 star.
    lead = make_planner(db, title="senior")
    workshop, _ = closed_workshop(db, planner=lead)
    # The meeting ran 2 h 40 min → 3 h in the log (rounded up to half hours).
    workshop.opened_at = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    workshop.closed_at = workshop.opened_at + timedelta(hours=2, minutes=40)
    versions.finalise(db=db, workshop=workshop, planner=lead)
    cid = workshop.community_id
    service.add_entry(db=db, planner=lead, form=_form(cid, on="2025-03-01",
                      work_function="concept_promotion"))  # fmt: skip
    service.add_entry(db=db, planner=lead, form=_form(cid, special_points="10",
                      media_coverage="重庆日报 2026-10-02"))  # fmt: skip

    last = yearly.year_summary(db=db, planner=lead, year=2025).breakdown
    assert (last.total, last.previous_points) == (pytest.approx(1.8), None)
    s = yearly.year_summary(db=db, planner=lead, year=2026)
    b = s.breakdown
    assert (b.satisfied, b.rated, b.satisfaction_coefficient) == (5, 6, 0.9)
    assert b.activity_points == pytest.approx(5.4)
    assert b.cumulative_points == pytest.approx(0.18)
    assert b.special_points == 10
    assert b.total == pytest.approx(15.04)
    assert (b.stars, b.education_hours) == (1, 8.0)
    assert s.hours == pytest.approx(2 + 3)  # the hand entries' 2 h and the meeting's 3 h
    empty = yearly.year_summary(db=db, planner=lead, year=2027).breakdown
    assert empty.lines == [] and empty.total == pytest.approx(15.04 * 0.1)


def test_rules_of_the_organisation_then_the_planner_replace_the_defaults(db):
    # The first planner placed in an organisation is its administrator: only they set its rules.
    colleague = make_planner(db, title="junior", organisation="示例规划院")
    lead = make_planner(db, title="junior", organisation="示例规划院")
    workshop, _ = closed_workshop(db, planner=lead)
    versions.finalise(db=db, workshop=workshop, planner=lead)
    form = {f"base_points.{wf}": "1" for wf in ("concept_promotion", "communication",
                                                 "assessment", "community_building")}  # fmt: skip
    form |= {
        f"capability.{t}": "1" for t in ("junior", "intermediate", "associate_senior", "senior")
    }
    form |= {"satisfied.satisfied": "1", "band0.lowest": "90", "band0.coefficient": "1",
             "no_ratings_coefficient": "1", "cumulative_percent": "10", "special_cap": "10",
             "star1": "1", "education_hours_per_star": "4"}  # fmt: skip
    with pytest.raises(Forbidden, match="organisation.admin_only"):
        yearly.save_rules(db=db, planner=lead, scope="organisation", form=form)
    assert yearly.rules_source(db=db, planner=lead) == "default"
    yearly.save_rules(db=db, planner=colleague, scope="organisation", form=form)
    assert yearly.rules_source(db=db, planner=lead) == "organisation"
    b = yearly.year_summary(db=db, planner=lead, year=2026).breakdown
    # only 满意 counts: 4/6 = 66.7 % < 90 % → coefficient 0
    assert (b.satisfied, b.satisfaction_coefficient, b.total) == (4, 0.0, 0.0)
    yearly.save_rules(db=db, planner=lead, scope="planner", form=form | {"band0.lowest": "60"})
    assert yearly.rules_source(db=db, planner=lead) == "planner"
    assert yearly.year_summary(db=db, planner=lead, year=2026).breakdown.total == 1.0
    with pytest.raises(Invalid, match="rules.not_a_number"):
        yearly.save_rules(db=db, planner=lead, scope="planner", form=form | {"star1": "x"})
    yearly.reset_rules(db=db, planner=lead)
    assert yearly.rules_source(db=db, planner=lead) == "organisation"


def test_csv_export_has_chinese_headers_and_defused_formulas(db):
    workshop, _ = closed_workshop(db)
    me = workshop.planner
    service.add_entry(db=db, planner=me, form=_form(workshop.community_id, summary="=1+1 讲座"))
    header, rows = exports.log_table(db=db, planner=me, entries=service.log_of(db=db, planner=me))
    text = exports.to_csv(header, rows).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["日期", "社区", "工作职能", "时长（小时）"]
    assert rows[1][2] == "沟通协调" and rows[1][8] == "'=1+1 讲座"
    assert date.fromisoformat(rows[1][0]) == date(2026, 10, 1)


def test_xlsx_export_holds_the_breakdown_and_the_log(db):
    lead = make_planner(db, title="senior")
    workshop, _ = closed_workshop(db, planner=lead)
    versions.finalise(db=db, workshop=workshop, planner=lead)
    summary = yearly.year_summary(db=db, planner=lead, year=2026)
    header, rows = exports.breakdown_table(summary.breakdown)
    log_header, log_rows = exports.log_table(db=db, planner=lead, entries=summary.entries)
    data = exports.to_xlsx([("积分明细", header, rows), ("服务记录", log_header, log_rows)])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["积分明细", "服务记录"]
    points = {r[0]: r[-1] for r in book["积分明细"].iter_rows(min_row=2, values_only=True)}
    # 规划评估 2 × 1.8 = 3.6; 5/6 satisfied → × 0.9 = 3.24; first year, no specials
    assert points["规划评估"] == pytest.approx(3.6)
    assert points["年度服务积分"] == pytest.approx(3.24)
    log = list(book["服务记录"].iter_rows(min_row=2, values_only=True))
    assert log[0][2] == "规划评估" and log[0][4] == 2.0
    sheet = book["积分明细"]
    assert [c.value for c in sheet[1]] == ["项目", "次数", "基础分", "比例", "系数", "小计"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    satisfaction = rows["满意度系数"]
    assert satisfaction[2].value is None  # nothing under 基础分
    assert (
        satisfaction[3].value == pytest.approx(0.8333) and satisfaction[3].number_format == "0.0%"
    )
    assert satisfaction[4].value == pytest.approx(0.9)
    day = book["服务记录"].cell(2, 1)
    assert day.is_date and day.value.date() == summary.entries[0].date


def test_xlsx_log_shows_typed_text_without_a_quote_mark(db):
    workshop, _ = closed_workshop(db)
    me = workshop.planner
    service.add_entry(db=db, planner=me, form=_form(workshop.community_id, summary="=1+1 讲座"))
    header, rows = exports.log_table(db=db, planner=me, entries=service.log_of(db=db, planner=me))
    book = load_workbook(io.BytesIO(exports.to_xlsx([("服务记录", header, rows)])))
    cell = next(c for row in book.active.iter_rows() for c in row if c.value == "=1+1 讲座")
    assert cell.data_type == "s" and cell.quotePrefix
