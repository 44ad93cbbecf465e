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
