"""Main pages in Chinese and English; the language choice; errors in the request's language."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ..factories import make_workshop
from ..web.helpers import join, text_of

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _workshop(database, planner, stage="welcome"):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner))
        return ws.id, ws.join_code


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_login_page_in_both_languages(client):
    zh = client.get("/login")
    assert _lang(zh.text) == "zh-CN" and "规划师登录" in zh.text
    en = client.get("/login", headers=EN)
    assert _lang(en.text) == "en" and "Planner login" in en.text and "规划师登录" not in en.text
    assert en.headers["content-language"] == "en"
    # The switch is on the page, as plain links that keep the current path.
    assert 'href="/login?lang=en"' in zh.text and 'href="/login?lang=zh-CN"' in zh.text
    assert "English" in zh.text and "中文" in en.text


def test_lang_parameter_sets_a_cookie_that_wins_over_accept_language(client):
    first = client.get("/login?lang=en")
    cookie = first.headers["set-cookie"]
    assert "ws_lang=en" in cookie and "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie
    assert "Planner login" in first.text
    later = client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert "Planner login" in later.text and "set-cookie" not in later.headers
    back = client.get("/login?lang=zh-CN")
    assert "规划师登录" in back.text and "ws_lang=zh-CN" in back.headers["set-cookie"]
    assert "规划师登录" in client.get("/login", headers=EN).text


def test_switch_links_keep_the_query(client):
    page = client.get("/login?next=/console&lang=en")
    assert 'href="/login?next=%2Fconsole&amp;lang=zh-CN"' in page.text


def test_unknown_language_falls_back_to_chinese(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR, de;q=0.5"})
    assert _lang(page.text) == "zh-CN" and "规划师登录" in page.text
    page = client.get("/login?lang=xx")
    assert "规划师登录" in page.text and "ws_lang" not in page.headers.get("set-cookie", "")


def test_join_and_tablet_in_english(client, planner_client, database):
    _, code = _workshop(database, planner_client.planner, stage="mapping")
    resident = TestClient(client.app)
    page = resident.get(f"/j/{code}?lang=en")
    text = text_of(page.text)
    assert "Notice: no name" in text and "Tap your group: this agrees to the notice" in text
    assert "参与须知" not in text
    join(resident, code)
    tablet = resident.get(f"/w/{code}")
    text = text_of(tablet.text)
    assert _lang(tablet.text) == "en"
    assert "Tap the map to show everyone something good in the community." in text
    assert "Ecological" in text and "生态资产" not in text
    zh = TestClient(client.app)
    join(zh, code)
    assert "生态资产" in zh.get(f"/w/{code}").text


def test_join_page_in_both_languages(client):
    assert "请输入参与码" in client.get("/join").text
    assert "Enter the join code" in client.get("/join", headers=EN).text


def test_console_and_projector_in_english(planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner, stage="mapping")
    planner_client.get("/console?lang=en")
    console = text_of(planner_client.get("/console").text)
    assert "New workshop" in console and "新建工作坊" not in console
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}").text)
    assert "Join code" in page and "Open projector view" in page and "参与码" not in page
    projector = planner_client.get(f"/console/workshops/{ws_id}/projector")
    assert _lang(projector.text) == "en"
    assert "Scan, or open this address on your phone" in text_of(projector.text)
    planner_client.get("/console?lang=zh-CN")
    projector = planner_client.get(f"/console/workshops/{ws_id}/projector")
    assert "扫码，或在手机浏览器打开这个地址" in projector.text


def _closed_workshop(client, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner, stage="satisfaction")
    resident = TestClient(client.app)
    join(resident, code, group="商户")
    resident.post(f"/w/{code}/satisfaction", data={"rating": "satisfied"})
    planner_client.post(f"/console/workshops/{ws_id}/stage", data={"expected": "satisfaction"})
    return ws_id


def test_assessment_in_english_and_the_report_stays_chinese(client, planner_client, database):
    ws_id = _closed_workshop(client, planner_client, database)
    planner_client.get("/console?lang=en")
    record = planner_client.get(f"/console/workshops/{ws_id}/assessment")
    text = text_of(record.text)
    assert "Planning assessment record" in text and "Satisfaction rate" in text
    assert "100.0%" in text
    # The report for the street office is Chinese whatever the UI language.
    report = planner_client.get(f"/console/workshops/{ws_id}/report.html")
    assert "社区议事协商结果报告" in report.text and '<html lang="zh-CN">' in report.text
    assert "Ecological" not in report.text
    planner_client.get("/console?lang=zh-CN")
    assert "规划评估记录" in planner_client.get(f"/console/workshops/{ws_id}/assessment").text


def test_record_content_is_chinese_even_when_closed_from_an_english_screen(
    client, planner_client, database
):
    planner_client.get("/console?lang=en")
    ws_id = _closed_workshop(client, planner_client, database)
    report = planner_client.get(f"/console/workshops/{ws_id}/report.html")
    assert "商户" in report.text and "满意" in report.text
    assert "Satisfied" not in report.text and "No group" not in report.text


def test_domain_error_in_english_as_json_and_as_page(client):
    api = client.get("/w/ZZZZZZ/assets.geojson", headers={**EN, "Accept": "application/json"})
    assert api.status_code == 404
    assert api.json() == {
        "detail": "No workshop has this join code; please check it and try again.",
        "code": "join.unknown_code",
    }
    page = client.get("/w/ZZZZZZ", headers=EN)
    assert page.status_code == 404 and _lang(page.text) == "en"
    assert "No workshop has this join code" in text_of(page.text)
    assert "Something went wrong" in text_of(page.text)
    zh = client.get("/w/ZZZZZZ/assets.geojson", headers={"Accept": "application/json"})
    assert zh.json()["detail"] == "没有找到这个参与码，请核对后再输入。"
    # A form error shown inline (htmx) is in the request's language too.
    inline = client.post("/join", data={"code": "ZZZZZZ"}, headers=EN)
    assert "No workshop has this join code" in text_of(inline.text)


def test_not_found_page_in_english(client):
    page = client.get("/no-such-page", headers=EN)
    assert page.status_code == 404 and "Page not found." in page.text


def test_a_version_finalised_from_an_english_screen_is_frozen_in_chinese(
    client, planner_client, database
):
    from sqlalchemy import select

    from workshop.assessments.models import AssessmentRecord

    ws_id = _closed_workshop(client, planner_client, database)
    planner_client.get("/console?lang=en")
    planner_client.post(f"/console/workshops/{ws_id}/assessment/finalise")
    with database.unit_of_work(write=False) as s:
        record = s.scalars(select(AssessmentRecord)).one()
        assert record.is_final
        lead = record.content["facilitators"][0]
        assert lead["discipline_label"] in ("规划师", "建筑师", "工程师")
    page = text_of(planner_client.get(f"/console/workshops/{ws_id}/assessment").text)
    assert "Planning assessment record" in page
