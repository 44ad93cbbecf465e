"""The stage log: when each stage began, the console's timer start, and the agenda's
times in the record and the report (China time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workshop.assessments.service import build_content
from workshop.reports import report_html
from workshop.workshops import stages
from workshop.workshops.timeline import stage_since, stage_times

from ..factories import make_workshop
from ..web.helpers import text_of


def test_each_stage_change_is_logged_and_timed(db, monkeypatch):
    now = [datetime(2026, 11, 24, 6, 0, tzinfo=UTC)]
    monkeypatch.setattr(stages, "utcnow", lambda: now[0])
    ws = make_workshop(db)
    assert stage_since(ws) is None  # welcome: the timer counts from the first look
    for minutes in (0, 25, 40, 55, 60):  # mapping 06:00, proposals 06:25, voting 06:40...
        now[0] = datetime(2026, 11, 24, 6, 0, tzinfo=UTC) + timedelta(minutes=minutes)
        stages.advance_stage(db=db, workshop=ws)
        assert stage_since(ws) == ws.stage_log[-1]["at"]
    assert [e["stage"] for e in ws.stage_log] == [
        "mapping",
        "proposals",
        "voting",
        "satisfaction",
        "closed",
    ]
    assert ws.closed_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert [(r["stage"], r["minutes"]) for r in stage_times(ws)] == [
        ("mapping", 25),
        ("proposals", 15),
        ("voting", 15),
        ("satisfaction", 5),
    ]
    content = build_content(db=db, workshop=ws)
    assert content["workshop"]["stages"] == stage_times(ws)
    html = text_of(report_html(content))
    # 06:00 UTC is 14:00 in China.
    assert "14:00–14:25（25 分钟）" in html and "14:55–15:00（5 分钟）" in html


def test_an_open_stage_and_an_old_record_without_times():
    ws_log = [{"stage": "mapping", "at": "2026-11-24T06:00:00+00:00"}]

    class Stub:
        stage = "mapping"
        stage_log = ws_log

    assert stage_times(Stub()) == [  # type: ignore[arg-type]
        {"stage": "mapping", "start": "2026-11-24T06:00:00+00:00", "end": None, "minutes": None}
    ]
    assert stage_since(Stub()) == "2026-11-24T06:00:00+00:00"  # type: ignore[arg-type]


def test_residents_comments_reach_the_record_and_the_report_without_names(db):
    from workshop.workshops.service import rate_service

    from ..factories import make_participant

    ws = make_workshop(db, stage="satisfaction")
    people = [make_participant(db, ws, nickname=f"王阿姨{i}") for i in range(3)]
    rate_service(
        db=db, workshop=ws, participant=people[0], rating="satisfied", comment="座椅很需要"
    )
    rate_service(db=db, workshop=ws, participant=people[1], rating="unsatisfied", comment=" ")
    rate_service(
        db=db, workshop=ws, participant=people[2], rating="basic", comment="希望<b>晚上</b>也能开会"
    )
    content = build_content(db=db, workshop=ws)
    assert content["satisfaction"]["comments"] == [
        {"rating": "satisfied", "text": "座椅很需要"},
        {"rating": "basic", "text": "希望<b>晚上</b>也能开会"},
    ]
    html = report_html(content)
    assert "居民留言（2 条）" in text_of(html)
    assert "“座椅很需要”（满意）" in text_of(html)
    assert "&lt;b&gt;晚上" in html and "王阿姨" not in html
