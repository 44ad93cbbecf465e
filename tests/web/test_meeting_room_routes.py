"""The meeting room, round two (issue 18) through HTTP: one-tap join, shared tablets,
the typing signal, stage checks that swap in place, a class that must be chosen."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.crowd import run_async
from workshop.assets.models import Asset
from workshop.live.broker import BROKER
from workshop.live.routes import _events
from workshop.workshops.models import Participant

from ..factories import demo_centre, make_workshop
from .helpers import join, text_of


def _workshop(database, planner=None, stage="welcome"):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner) if planner else None)
        return ws.id, ws.join_code


def test_welcome_is_one_tap_per_group_and_a_closed_workshop_says_so_first(client, database):
    _id, code = _workshop(database)
    page = client.get(f"/j/{code}").text
    assert 'type="checkbox"' not in page  # consent is the tap itself
    assert 'name="consent" value="true"' in page
    assert 'name="group" value="老年居民"' in page
    assert "不选身份，直接加入" in text_of(page)
    _id, closed = _workshop(database, stage="closed")
    page = client.get(f"/j/{closed}").text
    assert "这场工作坊已经结束" in text_of(page)
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_next_person_shows_only_on_a_shared_tablet(app, database):
    _id, code = _workshop(database, stage="voting")
    phone = TestClient(app)
    join(phone, code)
    assert "下一位" not in text_of(phone.get(f"/w/{code}").text)

    tablet = TestClient(app)
    screen = tablet.get(f"/j/{code}/shared")  # the planner's shared-tablet link
    assert screen.status_code == 200 and 'name="shared" value="true"' in screen.text
    joined = tablet.post(
        f"/j/{code}",
        data={"group": "老年居民", "consent": "true", "shared": "true"},
        follow_redirects=False,
    )
    assert joined.status_code == 303
    assert "下一位" in text_of(tablet.get(f"/w/{code}").text)
    # 下一位 keeps the device shared for the next resident.
    tablet.post(f"/w/{code}/next-person", follow_redirects=False)
    join(tablet, code)
    assert "下一位" in text_of(tablet.get(f"/w/{code}").text)


def test_console_offers_the_shared_tablet_link(planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    page = planner_client.get(f"/console/workshops/{ws_id}").text
    assert f"/j/{code}/shared" in page
    assert 'id="typing-warning"' in page


def test_typing_signal_needs_a_join_and_stores_nothing(app, client, database):
    _id, code = _workshop(database, stage="proposals")
    stranger = TestClient(app)
    refused = stranger.post(f"/w/{code}/typing", data={"active": "1"}, follow_redirects=False)
    assert refused.status_code != 204
    join(client, code)
    with database.unit_of_work(write=False) as s:
        before = s.scalar(select(func.count()).select_from(Participant))
    assert client.post(f"/w/{code}/typing", data={"active": "1"}).status_code == 204
    assert client.post(f"/w/{code}/typing", data={"active": "0"}).status_code == 204
    with database.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Participant)) == before


def test_typing_events_reach_console_streams_only() -> None:
    async def first_event(console: bool) -> dict:
        BROKER.attach(asyncio.get_running_loop())
        stream = _events(987654, console=console)
        assert (await stream.__anext__())["event"] == "hello"
        pending = asyncio.ensure_future(stream.__anext__())
        for _ in range(5):  # let the stream subscribe
            await asyncio.sleep(0)
        BROKER.publish(987654, "typing r3f 1")
        BROKER.publish(987654, "assets")
        event = await asyncio.wait_for(pending, 2)
        await stream.aclose()
        return event

    previous = BROKER._loop
    try:
        assert run_async(first_event(True)) == {"event": "typing", "data": "r3f 1"}
        assert run_async(first_event(False)) == {"event": "assets", "data": "assets"}
    finally:
        BROKER._loop = previous


def test_stage_check_triggers_an_in_place_swap(planner_client, database):
    ws_id, _code = _workshop(database, planner_client.planner)
    check = f"/console/workshops/{ws_id}/_stage"
    assert "HX-Trigger" not in planner_client.get(f"{check}?seen=welcome").headers
    stale = planner_client.get(f"{check}?seen=mapping")
    assert stale.headers["HX-Trigger"] == "workshop-stage"
    assert "HX-Refresh" not in stale.headers


def test_an_asset_without_a_chosen_class_is_refused(client, database):
    _id, code = _workshop(database, stage="mapping")
    join(client, code)
    lon, lat = demo_centre()
    body = {"name": "古树", "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    response = client.post(f"/w/{code}/assets", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "asset.unknown_class"
    page = client.get(f"/w/{code}").text
    assert 'name="asset_class"' in page and "checked" not in page.split('name="asset_class"')[1]
    with database.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 0


def test_projector_shows_the_join_address_and_an_ended_meeting(planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    page = planner_client.get(f"/console/workshops/{ws_id}/projector").text
    assert "testserver/join" in text_of(page) and code in page
    assert '<details class="pj-gaps"' in page and '<details class="pj-gaps" open' not in page
    ended_id, ended_code = _workshop(database, planner_client.planner, stage="closed")
    page = planner_client.get(f"/console/workshops/{ended_id}/projector").text
    assert "本次会议已结束" in text_of(page)
    assert ended_code not in page and "qr.svg" not in page
