"""No template may show a literal word: every visible text goes through `_()`/`label()`."""

from __future__ import annotations

from pathlib import Path

from workshop.config import TEMPLATES_DIR

from .literals import literals, scan

# The consensus report is a Chinese document for the street office, rendered in zh-CN
# whatever the UI language (workshop.reports.render.report_html): its text stays literal.
CHINESE_ONLY = {"reports/consensus.html"}


def test_no_template_holds_an_untranslated_literal():
    found = {
        name: hits for name, hits in scan(Path(TEMPLATES_DIR)).items() if name not in CHINESE_ONLY
    }
    assert found == {}


def test_the_scanner_finds_text_nodes_and_visible_attributes():
    assert literals("<p>保存</p>")
    assert literals("<button>Save</button>")
    assert literals('<input type="submit" value="提交">')
    assert literals('<img alt="地图" src="x.png">')
    assert literals('<input placeholder="name">')
    assert literals('<a aria-label="关闭" title="{{ x }}">×</a>')
    assert literals('<button hx-confirm="确定吗？">{{ _("a.b") }}</button>')


def test_the_scanner_allows_translated_text_symbols_and_markup():
    assert not literals('<p>{{ _("login.title") }}</p>')
    assert not literals('<p title="{{ _("a") }}">{{ n }} × {{ m }} · +1 — 12%</p>')
    assert not literals('<input type="hidden" value="abc" name="x">')
    assert not literals('<script>const a = "中文";</script><style>.a { color: red }</style>')
    assert not literals("{% block body_class %}tablet{% endblock %}")
    assert not literals('<span class="label">{# 注释 #}{{ label("k", v) }}</span> PDF QR')
