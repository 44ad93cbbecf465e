"""The base-map setting: what is accepted, and what a broken setting falls back to."""

from __future__ import annotations

import pytest

from workshop.basemaps.config import VECTOR, BaseMap, base_map_of, parse_base_map
from workshop.errors import Invalid


def test_defaults_and_the_three_kinds():
    assert parse_base_map(None) == VECTOR == BaseMap(kind="vector")
    assert parse_base_map({"kind": "tiles", "pack": "demo"}).pack == "demo"
    online = parse_base_map(
        {"kind": "xyz", "url": "https://t.example/{z}/{x}/{y}.png", "crs": "gcj02"}
    )
    assert online.gcj02 and online.url.startswith("https://")
    assert online.as_dict()["crs"] == "gcj02"


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ({"kind": "satellite"}, "basemap.unknown_kind"),
        ({"kind": "tiles", "pack": "../etc"}, "basemap.bad_pack"),
        ({"kind": "tiles", "pack": "Demo"}, "basemap.bad_pack"),
        ({"kind": "xyz", "url": "https://t.example/tile.png"}, "basemap.bad_url"),
        ({"kind": "xyz", "url": "javascript:alert(1)/{z}/{x}/{y}"}, "basemap.bad_url"),
        ({"kind": "vector", "crs": "bd09"}, "basemap.unknown_crs"),
    ],
)
def test_bad_settings_say_what_is_wrong(setting, key):
    with pytest.raises(Invalid) as caught:
        parse_base_map(setting)
    assert caught.value.key == key
    assert base_map_of(setting) == VECTOR  # drawing never fails on a bad setting
