"""Asset routes: form and JSON paths, own-only edits, +1 once, photos, merging, GeoJSON."""

from __future__ import annotations

import io
import json

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from workshop.assets.models import Asset

from ..factories import demo_centre, make_workshop
from .helpers import join, text_of

JSON = {"Accept": "application/json"}


def _workshop(database, planner=None, stage="mapping"):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage=stage, planner=s.merge(planner) if planner else None)
        return ws.id, ws.join_code


def _resident(app, code: str) -> TestClient:  # type: ignore[no-untyped-def]
    c = TestClient(app, base_url="http://testserver")
    join(c, code)
    return c


def _point(dlat: float = 0.0) -> dict:
    lon, lat = demo_centre()
    return {"type": "Point", "coordinates": [lon, lat + dlat]}


def _polygon() -> dict:
    lon, lat = demo_centre()
    r = 0.0003
    ring = [
        [lon - r, lat - r],
        [lon + r, lat - r],
        [lon + r, lat + r],
        [lon - r, lat + r],
        [lon - r, lat - r],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _stored(database) -> list[Asset]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        rows = list(s.scalars(select(Asset).order_by(Asset.id)))
        s.expunge_all()
        return rows


def test_json_body_draws_a_polygon_and_answers_json(app, client, database):
    _id, code = _workshop(database)
    join(client, code)
    body = {"asset_class": "social", "subtype": "venue", "name": "坝坝舞场", "geometry": _polygon()}
    response = client.post(f"/w/{code}/assets", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["repaired"] is False and data["message"] == "已添加：坝坝舞场"
    props = data["asset"]["properties"]
    assert (props["subtype_label"], props["own"], props["supports"], props["contributors"]) == (
        "活动场所",
        True,
        0,
        1,
    )
    assert [a.geometry["type"] for a in _stored(database)] == ["Polygon"]


def test_json_errors_have_a_chinese_detail_and_save_nothing(app, client, database):
    _id, code = _workshop(database)
    join(client, code)
    lon, lat = demo_centre()
    cases = [
        ({"geometry": "nope"}, "geo.not_geojson"),
        ({"geometry": {"type": "MultiPolygon", "coordinates": []}}, "geo.wrong_type"),
        ({"geometry": {"type": "LineString", "coordinates": []}}, "geo.empty"),
        ({"geometry": {"type": "Point", "coordinates": [lat, lon]}}, "geo.swapped"),
        ({"geometry": {"type": "Point", "coordinates": [lon, 95]}}, "geo.out_of_range"),
        ({"geometry": _point(0.02)}, "geo.outside_boundary"),
    ]
    for extra, code_key in cases:
        body = {"asset_class": "ecological", "name": "古树"} | extra
        response = client.post(f"/w/{code}/assets", json=body)
        assert response.status_code == 422, (extra, response.text)
        assert response.json()["code"] == code_key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])
    outside = client.post(
        f"/w/{code}/assets",
        json={"asset_class": "ecological", "name": "x", "geometry": _point(0.02)},
    )
    assert "米" in outside.json()["detail"]
    assert _stored(database) == []


def test_form_post_with_lon_lat_still_works_and_htmx_gets_the_partial(app, client, database):
    _id, code = _workshop(database)
    join(client, code)
    lon, lat = demo_centre()
    plain = client.post(
        f"/w/{code}/assets",
        data={"asset_class": "cultural", "name": "老茶馆", "lon": lon, "lat": lat},
        follow_redirects=False,
    )
    assert plain.status_code == 303
    htmx = client.post(
        f"/w/{code}/assets",
        data={
            "asset_class": "human",
            "subtype": "handicraft",
            "name": "修自行车",
            "geometry": json.dumps(_point()),
        },
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 201 and "已添加：修自行车" in htmx.text
    bad = client.post(
        f"/w/{code}/assets",
        data={"asset_class": "cultural", "name": "远处", "geometry": json.dumps(_point(0.02))},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and "社区范围外约" in text_of(bad.text)
    assert [a.name for a in _stored(database)] == ["老茶馆", "修自行车"]


def test_tablet_page_offers_drawing_subtypes_and_the_human_note(app, client, database):
    _id, code = _workshop(database)
    join(client, code)
    page = client.get(f"/w/{code}")
    assert page.status_code == 200
    for text in ("点", "线", "面", "古树", "时间与热心", "不要填写任何人的住址", "照片（可不拍）"):
        assert text in text_of(page.text)
    assert 'data-class="human"' in page.text
    assert "/static/vendor/leaflet-draw/leaflet.draw.js" in page.text


def test_edit_and_delete_only_ones_own(app, client, database):
    _id, code = _workshop(database)
    join(client, code)
    created = client.post(
        f"/w/{code}/assets",
        json={"asset_class": "ecological", "name": "古树", "geometry": _point()},
    )
    asset_id = created.json()["asset"]["id"]
    other = _resident(app, code)
    denied = other.post(f"/w/{code}/assets/{asset_id}", json={"name": "改名"})
    assert denied.status_code == 403 and denied.json()["code"] == "asset.not_yours"
    denied = other.post(f"/w/{code}/assets/{asset_id}/delete", headers=JSON)
    assert denied.status_code == 403
    edited = client.post(
        f"/w/{code}/assets/{asset_id}", json={"name": "黄葛古树", "subtype": "old_tree"}
    )
    assert edited.status_code == 200 and edited.json()["asset"]["properties"]["name"] == "黄葛古树"
    form_edit = client.post(
        f"/w/{code}/assets/{asset_id}",
        data={
            "asset_class": "ecological",
            "name": "黄葛古树",
            "description": "三百年",
            "geometry": "",
        },
        headers={"HX-Request": "true"},
    )
    assert form_edit.status_code == 200 and "已修改：黄葛古树" in form_edit.text
    [stored] = _stored(database)
    assert (stored.name, stored.subtype, stored.description) == ("黄葛古树", "old_tree", "三百年")
    assert stored.geometry == {
        "type": "Point",
        "coordinates": [round(c, 7) for c in _point()["coordinates"]],
    }
    deleted = client.post(f"/w/{code}/assets/{asset_id}/delete", headers=JSON)
    assert deleted.status_code == 200
    assert _stored(database) == []
    other.close()


def test_plus_one_once_and_the_geojson_says_so_without_tokens(app, client, database):
    _id, code = _workshop(database)
    join(client, code)
    asset_id = client.post(
        f"/w/{code}/assets",
        json={"asset_class": "cultural", "name": "石梯坎", "geometry": _point()},
    ).json()["asset"]["id"]
    other = _resident(app, code)
    first = other.post(f"/w/{code}/assets/{asset_id}/support", headers=JSON)
    assert first.json() == {"asset": asset_id, "supports": 1, "supported": True}
    again = other.post(f"/w/{code}/assets/{asset_id}/support", headers=JSON)
    assert again.status_code == 409 and again.json()["code"] == "asset.already_supported"
    own = client.post(f"/w/{code}/assets/{asset_id}/support", headers=JSON)
    assert own.status_code == 409 and own.json()["code"] == "asset.own_support"

    theirs = other.get(f"/w/{code}/assets.geojson").json()["features"][0]["properties"]
    mine = client.get(f"/w/{code}/assets.geojson").json()["features"][0]["properties"]
    assert (theirs["supports"], theirs["own"], theirs["supported"]) == (1, False, True)
    assert (mine["supports"], mine["own"], mine["supported"]) == (1, True, False)
    raw = client.get(f"/w/{code}/assets.geojson").text
    with database.unit_of_work() as s:
        from workshop.workshops.models import Participant

        tokens = list(s.scalars(select(Participant.token)))
    assert tokens and not any(token in raw for token in tokens)
    assert "participant" not in raw
    other.close()


def test_a_saved_assets_answer_counts_that_asset_only(app, client, database):
    """The answer to a save counts +1s for the saved asset alone (not the whole map's):
    another asset's +1s, and the resident's own +1 elsewhere, do not leak into it."""
    _id, code = _workshop(database)
    join(client, code)
    pin = {"asset_class": "cultural", "name": "石梯坎", "geometry": _point()}
    first = client.post(f"/w/{code}/assets", json=pin).json()["asset"]["id"]
    other = _resident(app, code)
    theirs = other.post(
        f"/w/{code}/assets", json={**pin, "name": "老茶馆", "geometry": _point(0.0002)}
    ).json()["asset"]["id"]
    assert other.post(f"/w/{code}/assets/{first}/support", headers=JSON).status_code == 200
    assert client.post(f"/w/{code}/assets/{theirs}/support", headers=JSON).status_code == 200
    third = _resident(app, code)
    assert third.post(f"/w/{code}/assets/{theirs}/support", headers=JSON).status_code == 200

    edited = client.post(f"/w/{code}/assets/{first}", json={**pin, "name": "石梯坎老街"})
    props = edited.json()["asset"]["properties"]
    assert (props["name"], props["supports"], props["supported"], props["own"]) == (
        "石梯坎老街", 1, False, True,
    )  # fmt: skip
    fresh = client.post(
        f"/w/{code}/assets", json={**pin, "name": "新的", "geometry": _point(0.0004)}
    )
    props = fresh.json()["asset"]["properties"]
    assert (props["supports"], props["supported"], props["contributors"]) == (0, False, 1)
    other.close()
    third.close()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (30, 140, 60)).save(out, "JPEG")
    return out.getvalue()


def test_photo_upload_is_served_only_inside_the_workshop(app, client, planner_client, database):
    # planner_client shares `client`'s cookie jar; use a separate resident client.
    ws_id, code = _workshop(database, planner_client.planner)
    resident = _resident(app, code)
    fields = {"asset_class": "ecological", "name": "古树", "geometry": json.dumps(_point())}
    unconfirmed = resident.post(
        f"/w/{code}/assets",
        data=fields,
        files={"photo": ("我家.jpg", _jpeg(), "image/jpeg")},
        headers=JSON,
    )
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["detail"].startswith("照片没有保存：请确认照片里没有能认出的人")
    assert _stored(database) == []
    response = resident.post(
        f"/w/{code}/assets",
        data=fields | {"photo_consent": "true"},
        files={"photo": ("我家.jpg", _jpeg(), "image/jpeg")},
        headers=JSON,
    )
    assert response.status_code == 201, response.text
    url = response.json()["asset"]["properties"]["photo"]
    [stored] = _stored(database)
    assert url == f"/w/{code}/assets/{stored.id}/photo" and "我家" not in stored.photo
    image = resident.get(url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (1600, 800)
    assert (
        planner_client.get(f"/console/workshops/{ws_id}/assets/{stored.id}/photo").status_code
        == 200
    )

    stranger = TestClient(app, base_url="http://testserver")
    assert stranger.get(url, headers=JSON).status_code == 401
    _other_id, other_code = _workshop(database)
    join(stranger, other_code)
    assert (
        stranger.get(f"/w/{other_code}/assets/{stored.id}/photo", headers=JSON).status_code == 404
    )
    not_image = resident.post(
        f"/w/{code}/assets",
        data={
            "asset_class": "ecological",
            "name": "假图",
            "geometry": json.dumps(_point()),
            "photo_consent": "on",
        },
        files={"photo": ("x.jpg", b"GIF89a-not-really", "image/jpeg")},
        headers=JSON,
    )
    assert not_image.status_code == 422 and not_image.json()["code"] == "photo.not_image"
    assert len(_stored(database)) == 1
    resident.close()
    stranger.close()


def test_planner_merges_duplicates_from_the_console_panel(app, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    a, b, c = (_resident(app, code) for _ in range(3))
    keep = a.post(
        f"/w/{code}/assets",
        json={"asset_class": "ecological", "name": "黄葛树", "geometry": _point()},
    )
    dup = b.post(
        f"/w/{code}/assets",
        json={"asset_class": "ecological", "name": "黄桷树", "geometry": _point(0.0001)},
    )
    keep_id, dup_id = keep.json()["asset"]["id"], dup.json()["asset"]["id"]
    c.post(f"/w/{code}/assets/{keep_id}/support", headers=JSON)
    c.post(f"/w/{code}/assets/{dup_id}/support", headers=JSON)

    panel = planner_client.get(f"/console/workshops/{ws_id}/assets/_panel")
    assert "黄葛树" in panel.text and "黄桷树" in panel.text and "合并" in panel.text
    merged = planner_client.post(
        f"/console/workshops/{ws_id}/assets/{keep_id}/merge",
        data={"other_id": dup_id},
        headers={"HX-Request": "true"},
    )
    assert merged.status_code == 200 and "已合并" in merged.text
    assert "黄桷树" not in text_of(merged.text)
    plain = planner_client.post(
        f"/console/workshops/{ws_id}/assets/{keep_id}/merge",
        data={"other_id": dup_id},
        follow_redirects=False,
    )
    assert plain.status_code == 404  # already merged: nothing changes

    features = planner_client.get(f"/console/workshops/{ws_id}/assets.geojson").json()["features"]
    assert [
        (f["id"], f["properties"]["contributors"], f["properties"]["supports"]) for f in features
    ] == [(keep_id, 2, 1)]
    assert "own" in features[0]["properties"] and features[0]["properties"]["own"] is False
    # a resident cannot merge; another planner cannot either
    assert (
        a.post(
            f"/console/workshops/{ws_id}/assets/{keep_id}/merge",
            data={"other_id": dup_id},
            follow_redirects=False,
        ).status_code
        == 303
    )
    for client in (a, b, c):
        client.close()


def test_console_page_has_the_assets_panel_and_the_projector_the_legend(planner_client, database):
    ws_id, _code = _workshop(database, planner_client.planner)
    page = planner_client.get(f"/console/workshops/{ws_id}")
    assert f"/console/workshops/{ws_id}/assets/_panel" in page.text
    projector = planner_client.get(f"/console/workshops/{ws_id}/projector")
    assert 'class="legend asset-legend legend-box"' in projector.text
    assert "fa-people-group" in projector.text and "生态资产" in text_of(projector.text)


def test_planner_sets_the_community_subtypes_and_the_tablet_offers_them(
    app, planner_client, database
):
    ws_id, code = _workshop(database, planner_client.planner)
    response = planner_client.post(
        f"/console/workshops/{ws_id}/assets/subtypes",
        data={"ecological": "古树\n黄葛树\n\n防空洞\n", "cultural": "", "social": "", "human": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "小类已保存" in response.text
    with database.unit_of_work() as s:
        from workshop.workshops.models import Workshop

        assert s.get(Workshop, ws_id).community.asset_subtypes == {
            "ecological": ["old_tree", "黄葛树", "防空洞"]
        }
    resident = _resident(app, code)
    page = text_of(resident.get(f"/w/{code}").text)
    assert "防空洞" in page and "崖壁" not in page and "老字号" in page
    saved = resident.post(
        f"/w/{code}/assets",
        json={
            "asset_class": "ecological",
            "subtype": "防空洞",
            "name": "老防空洞",
            "geometry": _point(),
        },
    )
    assert (
        saved.status_code == 201
        and saved.json()["asset"]["properties"]["subtype_label"] == "防空洞"
    )
    refused = resident.post(
        f"/w/{code}/assets",
        json={"asset_class": "ecological", "subtype": "cliff", "name": "崖", "geometry": _point()},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "asset.unknown_subtype"
    too_long = planner_client.post(
        f"/console/workshops/{ws_id}/assets/subtypes", data={"human": "长" * 40}, headers=JSON
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "asset.subtype_too_long"
    resident.close()


def test_large_feed_is_gzipped_small_one_is_not(app, client, database):
    from workshop.assets.service import pin_asset
    from workshop.workshops.models import Workshop

    ws_id, code = _workshop(database)
    join(client, code)
    small = client.get(f"/w/{code}/assets.geojson")
    assert "content-encoding" not in small.headers and small.json()["features"] == []
    lon, lat = demo_centre()
    with database.unit_of_work() as s:
        ws = s.get(Workshop, ws_id)
        for i in range(120):
            pin_asset(
                db=s,
                workshop=ws,
                participant=None,
                asset_class="social",
                name=f"活动点{i}",
                lon=lon,
                lat=lat,
            )
    big = client.get(f"/w/{code}/assets.geojson", headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert big.headers["content-type"] == "application/geo+json"
    assert len(big.json()["features"]) == 120
    plain = client.get(f"/w/{code}/assets.geojson", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.json()["features"]) == 120


def test_planner_hides_an_asset_from_every_map_and_shows_it_again(app, planner_client, database):
    ws_id, code = _workshop(database, planner_client.planner)
    resident = _resident(app, code)
    asset_id = resident.post(
        f"/w/{code}/assets",
        json={"asset_class": "cultural", "name": "广告：收旧家电", "geometry": _point()},
    ).json()["asset"]["id"]
    hidden = planner_client.post(
        f"/console/workshops/{ws_id}/assets/{asset_id}/hide",
        data={"hidden": "true"},
        headers={"HX-Request": "true"},
    )
    assert hidden.status_code == 200 and "已隐藏" in hidden.text and "恢复显示" in hidden.text
    assert resident.get(f"/w/{code}/assets.geojson").json()["features"] == []
    assert planner_client.get(f"/console/workshops/{ws_id}/assets.geojson").json()["features"] == []
    stats = planner_client.get(f"/console/workshops/{ws_id}/_stats")
    assert "文化资产：0" in text_of(stats.text).replace(" ", "")
    other = _resident(app, code)
    refused = other.post(f"/w/{code}/assets/{asset_id}/support", headers=JSON)
    assert refused.status_code == 404
    [stored] = _stored(database)
    assert stored.hidden and stored.name == "广告：收旧家电"  # kept, not deleted
    shown = planner_client.post(
        f"/console/workshops/{ws_id}/assets/{asset_id}/hide",
        data={"hidden": "false"},
        follow_redirects=False,
    )
    assert shown.status_code == 303
    assert [f["id"] for f in resident.get(f"/w/{code}/assets.geojson").json()["features"]] == [
        asset_id
    ]
    resident.close()
    other.close()


def test_plus_one_is_withdrawn_by_its_giver_only_and_the_maps_hear_of_it(
    app, client, database, monkeypatch
):
    from workshop.live import broker

    _id, code = _workshop(database)
    join(client, code)
    asset_id = client.post(
        f"/w/{code}/assets",
        json={"asset_class": "cultural", "name": "石梯坎", "geometry": _point()},
    ).json()["asset"]["id"]
    giver, stranger = _resident(app, code), _resident(app, code)
    events: list[tuple[int, str]] = []
    monkeypatch.setattr(broker.BROKER, "publish", lambda w, topic: events.append((w, topic)))

    # Without a +1 there is nothing to take back: a clear 409, nothing changes.
    nothing = giver.post(f"/w/{code}/assets/{asset_id}/support/withdraw", headers=JSON)
    assert nothing.status_code == 409 and nothing.json()["code"] == "asset.not_supported"
    assert "还没有" in nothing.json()["detail"] and events == []

    given = giver.post(f"/w/{code}/assets/{asset_id}/support", headers=JSON)
    assert given.json() == {"asset": asset_id, "supports": 1, "supported": True}
    # Someone else cannot take the giver's +1 away (their own is the only row they touch).
    refused = stranger.post(f"/w/{code}/assets/{asset_id}/support/withdraw", headers=JSON)
    assert refused.status_code == 409 and refused.json()["code"] == "asset.not_supported"
    author = client.post(f"/w/{code}/assets/{asset_id}/support/withdraw", headers=JSON)
    assert author.status_code == 409
    feed = client.get(f"/w/{code}/assets.geojson").json()["features"][0]["properties"]
    assert feed["supports"] == 1

    events.clear()
    taken = giver.post(f"/w/{code}/assets/{asset_id}/support/withdraw", headers=JSON)
    assert taken.json() == {"asset": asset_id, "supports": 0, "supported": False}
    assert [topic for _w, topic in events] == ["assets"]
    # ...the topic the maps re-fetch their feed on (tablet here, projector alike).
    page = giver.get(f"/w/{code}").text
    assert f'hx-get="/w/{code}/assets.geojson" hx-trigger="load, sse:assets"' in page
    mine = giver.get(f"/w/{code}/assets.geojson").json()["features"][0]["properties"]
    assert (mine["supports"], mine["supported"]) == (0, False)
    again = giver.post(f"/w/{code}/assets/{asset_id}/support/withdraw", headers=JSON)
    assert again.status_code == 409
    # ...and +1 can be given again; the htmx form path answers the count as a partial.
    htmx = giver.post(f"/w/{code}/assets/{asset_id}/support", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "1 人 +1" in text_of(htmx.text)
    back = giver.post(f"/w/{code}/assets/{asset_id}/support/withdraw", follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == f"/w/{code}"
    giver.post(f"/w/{code}/assets/{asset_id}/support", headers=JSON)
    giver.csrf_auto = False  # type: ignore[attr-defined]  # a script without the token
    forged = giver.post(f"/w/{code}/assets/{asset_id}/support/withdraw", headers=JSON)
    assert forged.status_code == 403
    assert (
        client.get(f"/w/{code}/assets.geojson").json()["features"][0]["properties"]["supports"] == 1
    )
    giver.close()
    stranger.close()
