"""The projector's SVG bars, computed by hand."""

from __future__ import annotations

import pytest

from workshop.proposals.views import CHART_WIDTH, chart
from workshop.voting.tally import TallyRow


def _row(pid: int, **fields) -> TallyRow:
    base = {"title": f"提案{pid}", "description": "", "supporters": 0, "support_share": 0.0}
    return TallyRow(pid, rank=pid, **(base | fields))


def test_dot_bars_are_relative_to_the_most_dots():
    bars = chart([_row(1, dots=8, supporters=4), _row(2, dots=2, supporters=1)], "dots", 5)
    assert [b.figure for b in bars] == ["8 点", "2 点"]
    assert bars[0].segments[0][1] == CHART_WIDTH
    assert bars[1].segments[0][1] == pytest.approx(CHART_WIDTH / 4)


def test_agree_bars_stack_agree_disagree_and_pass():
    (bar,) = chart([_row(1, agree=3, disagree=1, passes=1, agreement=0.75)], "agree", 5)
    widths = [w for _x, w, _c in bar.segments]
    assert widths == pytest.approx([CHART_WIDTH * 3 / 5, CHART_WIDTH / 5, CHART_WIDTH / 5])
    assert bar.figure == "75%" and bar.detail == "同意 3 · 不同意 1 · 跳过 1"


def test_approval_bars_are_the_support_share():
    (bar,) = chart([_row(1, supporters=3, support_share=0.75)], "approval", 4)
    assert bar.figure == "3 人" and bar.segments[0][1] == pytest.approx(CHART_WIDTH * 0.75)


def test_only_the_top_rows_are_drawn():
    rows = [_row(i, supporters=1, support_share=0.1) for i in range(1, 13)]
    assert len(chart(rows, "approval", 10)) == 8
