"""Choosing a community's base map, from code and from the `workshop base-map` command."""

from __future__ import annotations

import pytest

from workshop.basemaps.service import set_base_map
from workshop.cli import main
from workshop.communities.models import Community
from workshop.errors import Invalid, NotFound

from ..factories import make_community


def test_set_tiles_xyz_and_back_to_vector(db):
    community = make_community(db)
    set_base_map(db=db, community_id=community.id, setting={"kind": "tiles", "pack": "demo"})
    assert community.base_map == {"kind": "tiles", "pack": "demo", "crs": "wgs84", "max_zoom": 19}
    url = "https://t.example/{z}/{x}/{y}.png"
    set_base_map(db=db, community_id=community.id, setting={"kind": "xyz", "url": url})
    assert community.base_map["url"] == url
    set_base_map(db=db, community_id=community.id, setting={"kind": "vector"})
    assert community.base_map is None


def test_missing_pack_or_community_is_refused_and_nothing_changes(db):
    community = make_community(db)
    with pytest.raises(Invalid) as caught:
        set_base_map(db=db, community_id=community.id, setting={"kind": "tiles", "pack": "nope"})
    assert caught.value.key == "basemap.pack_missing"
    assert community.base_map is None
    with pytest.raises(NotFound):
        set_base_map(db=db, community_id=9999, setting=None)


def test_cli_sets_the_base_map(settings, database, monkeypatch, capsys):
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(settings.data_dir))
    from workshop.config import get_settings

    get_settings.cache_clear()
    try:
        with database.unit_of_work() as db:
            community_id = make_community(db).id
        assert main(["base-map", str(community_id), "--kind", "tiles", "--pack", "demo"]) == 0
        assert "已设置社区底图：tiles" in capsys.readouterr().out
        assert main(["base-map", str(community_id), "--kind", "tiles", "--pack", "x"]) == 1
        assert "找不到瓦片包 maps/x/tiles.mbtiles。" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
    with database.unit_of_work(write=False) as db:
        assert db.get(Community, community_id).base_map["pack"] == "demo"
