"""Creating and editing a community in the console: upload, refusals, who may edit."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import undefer

from tests.communities.test_importing import (
    BOWTIE,
    SQUARE,
    feature,
    geojson,
    kml,
    kml_polygon,
    polygon,
    zipped_shapefile,
)
from tests.factories import make_community, make_planner, make_workshop
from workshop.communities.models import Community


def stored(database, community_id: int) -> Community:
    with database.unit_of_work(write=False) as s:
        # base_layers is deferred (a pin must not load it): load it before detaching.
        community = s.get(Community, community_id, options=[undefer(Community.base_layers)])
        s.expunge(community)
        return community


def by_name(database, name: str) -> Community:
    with database.unit_of_work(write=False) as s:
        community = s.scalars(select(Community).where(Community.name == name)).one()
        s.expunge(community)
        return community


def arrange(
    database,
    planner_id: int | None = None,
    *,
    created_by_other=False,
    runs_workshop=False,
    layers=None,
) -> Community:
    with database.unit_of_work() as s:
        creator = make_planner(s).id if created_by_other else planner_id
        community = make_community(s, created_by=creator)
        if layers is not None:
            community.base_layers = layers
        if runs_workshop:
            from workshop.accounts.models import Planner

            make_workshop(s, community=community, planner=s.get(Planner, planner_id))
        s.flush()
        s.expunge(community)
        return community


def test_new_page_has_the_drawing_map(planner_client):
    page = planner_client.get("/console/communities/new")
    assert page.status_code == 200
    assert 'id="community-map"' in page.text and "/static/community-edit.js" in page.text
    assert "新建社区" in page.text


def test_console_home_links_to_the_new_community_page(planner_client):
    import re

    for lang, text in (("zh-CN", "新建社区"), ("en", "New community")):
        home = planner_client.get("/console", headers={"Accept-Language": lang}).text
        link = re.search(r'<a [^>]*href="(/console/communities/new)"[^>]*>([^<]*)</a>', home)
        assert link is not None and text in link.group(2), lang
        page = planner_client.get(link.group(1), headers={"Accept-Language": lang})
        assert page.status_code == 200 and 'id="community-map"' in page.text


def test_console_home_without_communities_says_to_create_one_first(planner_client):
    home = planner_client.get("/console", headers={"Accept-Language": "zh-CN"}).text
    assert "还没有社区" in home


def test_create_with_an_uploaded_geojson_boundary(planner_client, database):
    response = planner_client.post(
        "/console/communities/new",
        data={"name": "幸福里社区", "district": "西城区", "street": "新街口街道"},
        files={"boundary_file": ("b.geojson", geojson(feature(polygon())), "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    community = by_name(database, "幸福里社区")
    assert community.created_by == planner_client.planner.id
    assert community.boundary["type"] == "Polygon"
    assert response.headers["location"] == f"/console/communities/{community.id}/edit?saved=1"
    assert planner_client.get(response.headers["location"]).text.count("已保存") == 1


def test_create_with_a_drawn_boundary(planner_client, database):
    response = planner_client.post(
        "/console/communities/new",
        data={"name": "画出来的社区", "boundary": json.dumps(polygon())},
        follow_redirects=False,
    )
    assert response.status_code == 303
    community = by_name(database, "画出来的社区")
    assert community.boundary == {"type": "Polygon", "coordinates": [SQUARE]}


def test_create_needs_a_boundary(planner_client):
    response = planner_client.post("/console/communities/new", data={"name": "无边界"})
    assert response.status_code == 422
    assert "请画出社区边界" in response.text


def test_bad_boundary_file_changes_nothing_and_says_why(planner_client, database):
    community = arrange(database, planner_client.planner.id)
    before = community.boundary
    response = planner_client.post(
        f"/console/communities/{community.id}/edit",
        data={"name": "改了名字"},
        files={"boundary_file": ("b.geojson", geojson(feature(polygon(BOWTIE))), "text/plain")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "第 1 个要素" in response.text and "自相交" in response.text
    after = stored(database, community.id)
    assert after.boundary == before and after.name != "改了名字"


def test_kml_boundary_and_shapefile_layers_on_edit(planner_client, database):
    community = arrange(database, planner_client.planner.id)
    roads = zipped_shapefile([("line", [[116.39, 39.90], [116.40, 39.905]], "")])
    response = planner_client.post(
        f"/console/communities/{community.id}/edit",
        data={
            "name": "新名字",
            "district": "东城区",
            "layers_kind": "road",
            "replace_layers": "on",
        },
        files={
            "boundary_file": ("b.kml", kml(kml_polygon()), "application/xml"),
            "layers_file": ("roads.zip", roads, "application/zip"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = stored(database, community.id)
    assert after.name == "新名字" and after.district == "东城区"
    assert after.boundary == {"type": "Polygon", "coordinates": [SQUARE]}
    assert [f["properties"]["kind"] for f in after.base_layers["features"]] == ["road"]


def test_layers_are_added_unless_replaced(planner_client, database):
    water = {"type": "Feature", "geometry": polygon(), "properties": {"kind": "water"}}
    layers = {"type": "FeatureCollection", "features": [water]}
    community = arrange(database, planner_client.planner.id, layers=layers)
    green = geojson(feature(polygon(), kind="green"))
    planner_client.post(
        f"/console/communities/{community.id}/edit",
        data={"name": community.name},
        files={"layers_file": ("g.geojson", green, "application/json")},
    )
    kinds = [
        f["properties"]["kind"] for f in stored(database, community.id).base_layers["features"]
    ]
    assert kinds == ["water", "green"]


def test_bad_layer_file_names_the_feature(planner_client, database):
    community = arrange(database, planner_client.planner.id)
    data = geojson(feature(polygon(), kind="road"), feature(polygon()))
    response = planner_client.post(
        f"/console/communities/{community.id}/edit",
        data={"name": community.name},
        files={"layers_file": ("l.geojson", data, "application/json")},
    )
    assert response.status_code == 422
    assert "第 2 个要素没有 kind 属性" in response.text
    assert stored(database, community.id).base_layers == community.base_layers


def test_planner_running_a_workshop_there_may_edit(planner_client, database):
    community = arrange(database, planner_client.planner.id, runs_workshop=True)
    assert planner_client.get(f"/console/communities/{community.id}/edit").status_code == 200


def test_other_planners_may_not_edit(planner_client, database):
    community = arrange(database, created_by_other=True)
    assert planner_client.get(f"/console/communities/{community.id}/edit").status_code == 404
    response = planner_client.post(
        f"/console/communities/{community.id}/edit", data={"name": "抢改"}
    )
    assert response.status_code == 404
    assert stored(database, community.id).name != "抢改"


def test_logged_out_is_sent_to_login(client):
    response = client.get("/console/communities/new", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
