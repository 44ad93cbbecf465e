"""WGS-84 <-> GCJ-02 against published values (googollee/eviltransform's test table)."""

from __future__ import annotations

import pytest
from pyproj import Geod

from workshop.basemaps.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")
# (wgs lon, wgs lat) -> (gcj lon, gcj lat)
KNOWN = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


def metres(a, b) -> float:  # type: ignore[no-untyped-def]
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_forward_matches_published_values(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    assert metres(gcj02_to_wgs84(*gcj), wgs) < 0.01


def test_central_chongqing_is_about_480_metres_off():
    wgs = (106.5420, 29.5530)
    gcj = wgs84_to_gcj02(*wgs)
    assert 430 < metres(wgs, gcj) < 530
    assert gcj[0] > wgs[0] and gcj[1] < wgs[1]  # east and south, as FIELD-NOTES says


@pytest.mark.parametrize("place", [(2.3522, 48.8566), (-74.006, 40.7128), (151.2, -33.87)])
def test_outside_china_unchanged(place):
    assert wgs84_to_gcj02(*place) == place
    assert gcj02_to_wgs84(*place) == place


def test_round_trip_under_a_metre_across_china():
    worst = 0.0
    for lon in range(74, 135, 3):
        for lat in range(19, 53, 3):
            start = (lon + 0.123, lat + 0.456)
            back = gcj02_to_wgs84(*wgs84_to_gcj02(*start))
            worst = max(worst, metres(start, back))
    assert worst < 1.0
