"""workshop.geo.check_asset_geometry: one test per rule, each with its own message key."""

from __future__ import annotations

import json
import math

import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box, shape

from workshop import geo
from workshop.errors import Invalid
from workshop.i18n import t

# A ~1 km square community in central Chongqing (lon, lat).
WEST, SOUTH = 106.50, 29.55
D = 0.009  # ~870 m east-west, ~1 km north-south
BOUNDARY = box(WEST, SOUTH, WEST + D, SOUTH + D)
CX, CY = WEST + D / 2, SOUTH + D / 2


def check(raw):  # type: ignore[no-untyped-def]
    return geo.check_asset_geometry(raw, BOUNDARY)


def key_of(raw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as err:
        check(raw)
    # every key has a real zh-CN message, not the key echoed back
    assert t(err.value.key, **err.value.params) != err.value.key
    return err.value.key


def square(cx: float, cy: float, r: float) -> list[list[float]]:
    return [
        [cx - r, cy - r],
        [cx + r, cy - r],
        [cx + r, cy + r],
        [cx - r, cy + r],
        [cx - r, cy - r],
    ]


def test_point_line_polygon_inside_are_accepted_as_geojson():
    point = check({"type": "Point", "coordinates": [CX, CY]})
    line = check({"type": "LineString", "coordinates": [[CX, CY], [CX + 0.001, CY]]})
    poly = check(json.dumps({"type": "Polygon", "coordinates": [square(CX, CY, 0.001)]}))
    assert [c.geometry.geom_type for c in (point, line, poly)] == ["Point", "LineString", "Polygon"]
    assert not any(c.repaired for c in (point, line, poly))
    assert geo.to_geojson(point.geometry) == {"type": "Point", "coordinates": [CX, CY]}


def test_feature_wrapper_is_accepted():
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [CX, CY]},
    }
    assert check(feature).geometry.equals(shapely.Point(CX, CY))


@pytest.mark.parametrize(
    "raw",
    [
        "not json {",
        "[1, 2]",
        42,
        {"coordinates": [1, 2]},
        {"type": "Point"},
        {"type": "Point", "coordinates": "1,2"},
    ],
)
def test_not_geojson(raw):
    assert key_of(raw) == "geo.not_geojson"


@pytest.mark.parametrize("kind", ["MultiPoint", "MultiPolygon", "GeometryCollection", "Circle"])
def test_wrong_geometry_type_names_the_type(kind):
    with pytest.raises(Invalid) as err:
        check({"type": kind, "coordinates": [[CX, CY]]})
    assert err.value.key == "geo.wrong_type"
    assert kind in t(err.value.key, **err.value.params)


@pytest.mark.parametrize("kind", ["Point", "LineString", "Polygon"])
def test_empty(kind):
    assert key_of({"type": kind, "coordinates": []}) == "geo.empty"


@pytest.mark.parametrize(
    "coords", [[CX], [CX, "29.5"], [CX, math.nan], [CX, CY, 1, 2], [True, CY], [CX, math.inf]]
)
def test_malformed_coordinates(coords):
    assert key_of({"type": "Point", "coordinates": coords}) == "geo.bad_coordinates"


def test_line_needs_two_distinct_points():
    assert (
        key_of({"type": "LineString", "coordinates": [[CX, CY], [CX, CY]]}) == "geo.line_too_short"
    )


def test_polygon_needs_three_distinct_points():
    ring = [[CX, CY], [CX + 0.001, CY], [CX, CY]]
    assert key_of({"type": "Polygon", "coordinates": [ring]}) == "geo.polygon_too_few"


def test_polygon_with_zero_area():
    ring = [[CX, CY], [CX + 0.001, CY], [CX + 0.002, CY], [CX, CY]]
    assert key_of({"type": "Polygon", "coordinates": [ring]}) == "geo.polygon_degenerate"


def test_out_of_range():
    assert key_of({"type": "Point", "coordinates": [200.0, 29.5]}) == "geo.out_of_range"
    assert key_of({"type": "Point", "coordinates": [-30.0, -95.0]}) == "geo.out_of_range"


def test_swapped_lat_lon_out_of_range_is_recognised():
    assert key_of({"type": "Point", "coordinates": [CY, CX]}) == "geo.swapped"
    line = [[CY, CX], [CY, CX + 0.001]]
    assert key_of({"type": "LineString", "coordinates": line}) == "geo.swapped"


def test_swapped_lat_lon_inside_range_is_recognised():
    # A community where both orders are valid coordinates: lon 40, lat 45.
    community = box(40.0, 45.0, 40.01, 45.01)
    with pytest.raises(Invalid) as err:
        geo.check_asset_geometry({"type": "Point", "coordinates": [45.005, 40.005]}, community)
    assert err.value.key == "geo.swapped"


def test_self_intersecting_polygon_repaired_to_one_polygon_is_said():
    # A square whose ring runs back over its own edge (a spike): valid after repair.
    r = 0.001
    ring = [
        [CX - r, CY - r],
        [CX + r, CY - r],
        [CX + r, CY + r],
        [CX + r, CY + 2 * r],
        [CX + r, CY + r],
        [CX - r, CY + r],
        [CX - r, CY - r],
    ]
    assert not Polygon(ring).is_valid
    result = check({"type": "Polygon", "coordinates": [ring]})
    assert result.repaired
    assert result.geometry.geom_type == "Polygon" and result.geometry.is_valid
    assert result.geometry.area == pytest.approx(Polygon(square(CX, CY, r)).area)


def test_bow_tie_polygon_is_rejected():
    r = 0.001
    ring = [
        [CX - r, CY - r],
        [CX + r, CY + r],
        [CX + r, CY - r],
        [CX - r, CY + r],
        [CX - r, CY - r],
    ]
    assert key_of({"type": "Polygon", "coordinates": [ring]}) == "geo.self_intersecting"


def test_too_many_vertices_says_how_many():
    n = 2001
    line = [[CX + 0.002 * math.cos(i / n * 6), CY + 0.002 * math.sin(i / n * 6)] for i in range(n)]
    with pytest.raises(Invalid) as err:
        check({"type": "LineString", "coordinates": line})
    assert err.value.key == "geo.too_many_vertices"
    assert err.value.params == {"count": 2001, "limit": 2000}
    assert (
        check({"type": "LineString", "coordinates": line[:2000]}).geometry.geom_type == "LineString"
    )


def test_outside_boundary_beyond_tolerance_says_how_far():
    # 0.001° of latitude is ~111 m: a point ~111 m north of the north edge.
    with pytest.raises(Invalid) as err:
        check({"type": "Point", "coordinates": [CX, SOUTH + D + 0.001]})
    assert err.value.key == "geo.outside_boundary"
    assert 105 <= err.value.params["metres"] <= 115
    assert "米" in t(err.value.key, **err.value.params)


def test_within_tolerance_outside_is_accepted():
    # ~11 m outside: inside the 30 m tolerance.
    assert check({"type": "Point", "coordinates": [CX, SOUTH + D + 0.0001]}).geometry


def test_polygon_partly_outside_measures_its_farthest_vertex():
    ring = [
        [CX, CY],
        [CX + 0.001, CY],
        [CX + 0.001, SOUTH + D + 0.0005],
        [CX, SOUTH + D + 0.0005],
        [CX, CY],
    ]
    with pytest.raises(Invalid) as err:
        check({"type": "Polygon", "coordinates": [ring]})
    assert err.value.key == "geo.outside_boundary"
    assert 50 <= err.value.params["metres"] <= 60


coordinate = st.floats(allow_nan=True, allow_infinity=True, width=64) | st.integers(-1000, 1000)
position = st.lists(coordinate, min_size=0, max_size=4)
anything = st.recursive(
    st.none() | st.booleans() | st.text(max_size=5) | coordinate,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
geometry = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPoint", "Feature", ""]),
        "coordinates": st.one_of(
            position,
            st.lists(position, max_size=6),
            st.lists(st.lists(position, max_size=6), max_size=2),
            anything,
        ),
    }
)
near = st.floats(min_value=-0.02, max_value=0.02 + D)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(geometry | anything)
def test_property_only_its_own_error_type(raw):
    try:
        result = check(raw)
    except Invalid:
        return
    assert result.geometry.geom_type in geo.ASSET_GEOMETRY_TYPES


def test_property_never_accepts_a_geometry_outside_the_boundary():
    accepted: set[str] = set()
    # Inside, around the 30 m tolerance band (~50 m either side), or anywhere near.
    offset = st.one_of(st.floats(0, D), st.floats(-0.0005, D + 0.0005), near)

    # One shape of each kind well inside, always tried: random shapes near a corner are
    # mostly refused, and 300 of them sometimes held no accepted polygon at all.
    inside = [(D / 4, D / 4), (D / 2, D / 4), (D / 2, D / 2)]

    @settings(max_examples=300, deadline=None, database=None)
    @given(
        st.lists(st.tuples(offset, offset), min_size=1, max_size=8),
        st.sampled_from(["Point", "LineString", "Polygon"]),
    )
    @example(inside[:1], "Point")
    @example(inside[:2], "LineString")
    @example(inside, "Polygon")
    def shapes_near_a_corner(offsets, kind):  # type: ignore[no-untyped-def]
        points = [[WEST + dx, SOUTH + dy] for dx, dy in offsets]
        coords = {"Point": points[0], "LineString": points, "Polygon": [points + points[:1]]}
        try:
            result = check({"type": kind, "coordinates": coords[kind]})
        except Invalid:
            return
        accepted.add(kind)
        assert geo.distance_outside_m(result.geometry, BOUNDARY) <= geo.BOUNDARY_TOLERANCE_M
        assert shape(geo.to_geojson(result.geometry)).is_valid

    shapes_near_a_corner()
    # The checks above ran on accepted shapes of every kind, not only on refusals.
    assert accepted == {"Point", "LineString", "Polygon"}
