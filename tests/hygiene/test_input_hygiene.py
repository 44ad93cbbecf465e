"""Bad input at the edge: control characters, NUL, wrong JSON types, numbers and dates
out of range, duplicate form rows, JSON nested too deep. Run on SQLite and PostgreSQL
(WORKSHOP_TEST_DATABASE_URL): each answer must be the same on both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import demo_centre, make_community, make_workshop
from tests.web.helpers import join
from workshop.assets.models import Asset
from workshop.errors import Invalid
from workshop.proposals.models import Proposal, VotingRules
from workshop.text import clean_line, clean_text
from workshop.workshops.models import Participant, Workshop

HX = {"HX-Request": "true"}
JSON = {"Accept": "application/json"}
NASTY = "\x07铃\x1b[31m声\u202e响\u2066了\u200f\ufeff"


def test_clean_line_and_clean_text() -> None:
    assert clean_line(NASTY) == "铃[31m声响了"
    assert clean_line(" 老街\t茶馆\r\n二楼 ") == "老街 茶馆  二楼"
    assert clean_text("第一行\r\n\t第二行\x7f\x9b") == "第一行\n\t第二行"
    assert clean_line("古树🌳‍") == "古树🌳‍"  # emoji and ZWJ are text, kept
    for cleaner in (clean_line, clean_text):
        with pytest.raises(Invalid) as caught:
            cleaner("a\x00b")
        assert caught.value.key == "text.nul"


def test_a_nul_written_by_any_path_is_refused_at_flush_on_both_databases(database) -> None:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        community_id = make_community(s).id
    with pytest.raises(Invalid) as caught, database.unit_of_work() as s:
        from workshop.communities.models import Community

        s.get(Community, community_id).street = "解放\x00路"
        s.flush()
    assert caught.value.key == "text.nul"
    with database.unit_of_work(write=False) as s:
        from workshop.communities.models import Community

        assert s.get(Community, community_id).street == "示例街道"


def _mapping(database, planner, stage: str = "mapping") -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner))
        return ws.id, ws.join_code


def _assets(database, ws_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with database.unit_of_work(write=False) as s:
        rows = s.scalars(select(Asset).where(Asset.workshop_id == ws_id).order_by(Asset.id))
        return [(a.name, a.description) for a in rows]


def test_control_characters_are_stripped_from_names_nicknames_and_descriptions(
    client, planner_client, database
) -> None:  # type: ignore[no-untyped-def]
    ws_id, code = _mapping(database, planner_client.planner)
    resident = TestClient(client.app)
    join(resident, code, nickname="\x1b王\u202e阿姨\x07")
    x, y = demo_centre()
    body = {
        "asset_class": "ecological",
        "name": NASTY,
        "description": "树下\n\t可以乘凉\x1b",
        "geometry": {"type": "Point", "coordinates": [x, y]},
    }
    assert resident.post(f"/w/{code}/assets", json=body).status_code == 201
    assert _assets(database, ws_id) == [("铃[31m声响了", "树下\n\t可以乘凉")]
    with database.unit_of_work(write=False) as s:
        nickname = s.scalars(select(Participant.nickname).where(Participant.workshop_id == ws_id))
        assert list(nickname) == ["王阿姨"]


def test_an_asset_name_sent_as_a_json_object_is_refused(client, planner_client, database) -> None:  # type: ignore[no-untyped-def]
    ws_id, code = _mapping(database, planner_client.planner)
    resident = TestClient(client.app)
    join(resident, code)
    x, y = demo_centre()
    for bad in ({"a": 1}, ["黄葛树"], 42, True):
        body = {"asset_class": "ecological", "name": bad, "lon": x, "lat": y}
        response = resident.post(f"/w/{code}/assets", json=body)
        assert response.status_code == 422, bad
        assert response.json()["code"] == "field.wrong_type"
        assert "name" in response.json()["detail"]
    assert _assets(database, ws_id) == []


def test_nul_is_refused_with_its_own_message_in_json_forms_and_multipart(
    client, planner_client, database
) -> None:  # type: ignore[no-untyped-def]
    ws_id, code = _mapping(database, planner_client.planner)
    resident = TestClient(client.app)
    join(resident, code)
    x, y = demo_centre()
    as_json = resident.post(
        f"/w/{code}/assets", json={"asset_class": "social", "name": "茶\x00馆", "lon": x, "lat": y}
    )
    assert as_json.status_code == 422
    assert as_json.json() == {
        "detail": "文字里有不可见的空字符（NUL），请删去后再提交。",
        "code": "text.nul",
    }
    form = {"asset_class": "social", "name": "茶\x00馆", "lon": str(x), "lat": str(y)}
    as_form = resident.post(f"/w/{code}/assets", data=form, headers=HX)
    assert as_form.status_code == 422 and "空字符（NUL）" in as_form.text
    assert "数字超出范围" not in as_form.text
    multipart = resident.post(
        f"/w/{code}/assets", data=form, files={"photo": ("", b"", "image/jpeg")}, headers=HX
    )
    assert multipart.status_code == 422 and "空字符（NUL）" in multipart.text
    titled = planner_client.post(
        f"/console/workshops/{ws_id}/edit",
        data={"title": "议事会\x00", "date": "2026-12-01", "groups": "老年居民"},
        headers=HX,
    )
    assert titled.status_code == 422 and "空字符（NUL）" in titled.text
    assert _assets(database, ws_id) == []


def test_proposal_titles_and_workshop_titles_are_cleaned(client, planner_client, database) -> None:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        community_id = make_community(s).id
    response = planner_client.post(
        "/console/workshops",
        data={
            "community_id": community_id,
            "title": "口袋公园\u202e议事会\x07",
            "date": "2026-12-01",
            "place": "活动室\x1b",
            "groups": "老年\x07居民\n商户",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with database.unit_of_work(write=False) as s:
        ws = s.scalars(select(Workshop)).one()
        assert (ws.title, ws.place, ws.resident_groups) == (
            "口袋公园议事会",
            "活动室",
            ["老年居民", "商户"],
        )
    _ws_id, code = _mapping(database, planner_client.planner, stage="proposals")
    resident = TestClient(client.app)
    join(resident, code)
    r = resident.post(
        f"/w/{code}/proposals",
        data={"title": "\x1b增设\u202e座椅", "description": "老人\n走累了\x07"},
        headers=HX,
    )
    assert r.status_code == 201
    with database.unit_of_work(write=False) as s:
        p = s.scalars(select(Proposal)).one()
        assert (p.title, p.description) == ("增设座椅", "老人\n走累了")


RULES = {
    "method": "approval",
    "dots_total": "5",
    "dots_per_proposal": "3",
    "basis": "cast",
    "threshold": "1/2",
    "members": "50",
    "quorum_share": "1/2",
    "agreement": "2/3",
    "group_floor": "1/2",
    "group_min_voters": "3",
    "quorum": "5",
}


@pytest.mark.parametrize("members", ["9223372036854775808", "1000001", "-1"])
def test_voting_rule_counts_are_bounded(planner_client, database, members: str) -> None:  # type: ignore[no-untyped-def]
    ws_id, _code = _mapping(database, planner_client.planner)
    response = planner_client.post(
        f"/console/workshops/{ws_id}/rules", data=RULES | {"members": members}, headers=HX
    )
    assert response.status_code == 422
    assert "人数" in response.text
    with database.unit_of_work(write=False) as s:
        assert s.get(VotingRules, ws_id) is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_workshop_dates_stay_within_1900_to_2100(planner_client, database, day: str) -> None:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        community_id = make_community(s).id
    response = planner_client.post(
        "/console/workshops",
        data={"community_id": community_id, "title": "议事会", "date": day, "groups": "商户"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "日期须在 1900 年到 2100 年之间" in response.text
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(Workshop)).first() is None


def test_a_poster_tally_with_two_rows_for_one_proposal_is_refused(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    from tests.ballots.test_routes import _voting
    from workshop.proposals.models import Vote

    ws_id, _code, (a, b) = _voting(database, planner_client.planner)
    poster = {"group": "商户", "proposal": [a, a, b], "dots": ["2", "5", "1"]}
    response = planner_client.post(f"/console/workshops/{ws_id}/poster", data=poster, headers=HX)
    assert response.status_code == 422
    assert "同一个提案填了两行" in response.text
    ballot = {"source": "paper", "group": "商户", "proposal": [a, a], "value": ["1", "0"]}
    response = planner_client.post(f"/console/workshops/{ws_id}/ballots", data=ballot, headers=HX)
    assert response.status_code == 422 and "同一个提案填了两行" in response.text
    with database.unit_of_work(write=False) as s:
        assert s.scalars(select(Vote)).first() is None


def test_json_nested_50000_deep_is_422_not_500(client, planner_client, database) -> None:  # type: ignore[no-untyped-def]
    _ws_id, code = _mapping(database, planner_client.planner)
    resident = TestClient(client.app)
    join(resident, code)
    deep = ("[" * 50_000 + "]" * 50_000).encode()
    for body in (deep, b'{"name": ' + deep + b"}"):
        response = resident.post(
            f"/w/{code}/assets", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "error.json_too_deep"
    # a string full of brackets is not nesting; a GeoJSON polygon is well within the limit
    x, y = demo_centre()
    ring = [[x, y], [x + 0.0002, y], [x + 0.0002, y + 0.0002], [x, y]]
    body = {
        "asset_class": "ecological",
        "name": "[" * 50,
        "description": "{" * 400,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    ok = resident.post(f"/w/{code}/assets", json=body)
    assert ok.status_code == 201, ok.text


def test_planner_names_and_satisfaction_comments_are_cleaned_too(database) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_participant, make_planner
    from workshop.workshops.service import rate_service

    with database.unit_of_work() as s:
        planner = make_planner(s, name="\x1b张\u202e规划\x07", organisation="设计院\t三所")
        assert (planner.name, planner.organisation) == ("张规划", "设计院 三所")
        ws = make_workshop(s, stage="satisfaction", planner=planner)
        resident = make_participant(s, ws)
        response = rate_service(
            db=s, workshop=ws, participant=resident, rating="satisfied", comment="很好\r\n谢谢\x07"
        )
        assert response.comment == "很好\n谢谢"
