"""Importing a community boundary and base layers from GeoJSON, KML and zipped Shapefiles.

Every file is written by the test itself (pyshp Writer for Shapefiles)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile

from workshop.communities import importing
from workshop.errors import Invalid
from workshop.i18n import t

SQUARE = [[116.39, 39.90], [116.40, 39.90], [116.40, 39.91], [116.39, 39.91], [116.39, 39.90]]
BOWTIE = [[116.39, 39.90], [116.40, 39.91], [116.40, 39.90], [116.39, 39.91], [116.39, 39.90]]
WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
UTM_PRJ = (
    'PROJCS["WGS_1984_UTM_Zone_50N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Transverse_Mercator"]]'
)
BEIJING54_PRJ = 'GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940"]]]'


def geojson(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def polygon(ring=SQUARE) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def kml(*placemarks: str) -> bytes:
    body = "".join(f"<Placemark>{p}</Placemark>" for p in placemarks)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>'
    ).encode()


def kml_polygon(ring=SQUARE, kind: str | None = None) -> str:
    coords = " ".join(f"{x},{y},0" for x, y in ring)
    extended = (
        f'<ExtendedData><Data name="kind"><value>{kind}</value></Data></ExtendedData>'
        if kind
        else ""
    )
    return (
        f"<name>边界</name>{extended}<Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
    )


def zipped_shapefile(
    shapes: list[tuple[str, list, str]], prj: str | None = WGS84_PRJ, parts=("shp", "shx", "dbf")
) -> bytes:
    """shapes: (type 'polygon'|'line', coordinates, kind)."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    shape_type = shapefile.POLYGON if shapes[0][0] == "polygon" else shapefile.POLYLINE
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shape_type) as writer:
        writer.field("kind", "C", size=20)
        for kind_of_shape, coords, kind in shapes:
            if kind_of_shape == "polygon":
                writer.poly([coords])
            else:
                writer.line([coords])
            writer.record(kind)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        files = {"shp": shp, "shx": shx, "dbf": dbf}
        for ext in parts:
            archive.writestr(f"layer.{ext}", files[ext].getvalue())
        if prj is not None:
            archive.writestr("layer.prj", prj)
    return out.getvalue()


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    return t(caught.value.key, **caught.value.params)


# -- boundaries that import -----------------------------------------------------------------


def test_geojson_boundary_imports():
    boundary = importing.boundary_from_upload("b.geojson", geojson(feature(polygon())))
    assert boundary["type"] == "Polygon"
    assert boundary["coordinates"][0][0] == [116.39, 39.90]


def test_kml_boundary_imports():
    boundary = importing.boundary_from_upload("b.kml", kml(kml_polygon()))
    assert boundary == {"type": "Polygon", "coordinates": [SQUARE]}


def test_zipped_shapefile_boundary_imports():
    data = zipped_shapefile([("polygon", SQUARE, "")])
    boundary = importing.boundary_from_upload("b.zip", data)
    assert boundary["type"] == "Polygon"
    assert {tuple(p) for p in boundary["coordinates"][0]} == {tuple(p) for p in SQUARE}


def test_several_polygons_merge_into_one_boundary():
    east = [[x + 0.02, y] for x, y in SQUARE]
    data = geojson(feature(polygon()), feature(polygon(east)))
    assert importing.boundary_from_upload("b.json", data)["type"] == "MultiPolygon"


def test_drawn_boundary_is_checked_like_a_file():
    assert importing.boundary_from_drawn(json.dumps(polygon()))["type"] == "Polygon"
    message = refusal(importing.boundary_from_drawn, json.dumps(polygon(BOWTIE)))
    assert "第 1 个要素" in message and "自相交" in message


# -- base layers ----------------------------------------------------------------------------


def test_base_layers_take_kind_from_each_feature():
    road = {"type": "LineString", "coordinates": [[116.39, 39.90], [116.40, 39.905]]}
    data = geojson(feature(road, kind="road"), feature(polygon(), kind="green"))
    layers = importing.base_layers_from_upload("l.geojson", data)
    assert [f["properties"]["kind"] for f in layers["features"]] == ["road", "green"]


def test_base_layers_chosen_kind_wins_for_the_whole_file():
    data = zipped_shapefile([("line", [[116.39, 39.90], [116.40, 39.905]], "")])
    layers = importing.base_layers_from_upload("roads.zip", data, kind="road")
    assert layers["features"][0]["properties"] == {"kind": "road"}
    assert layers["features"][0]["geometry"]["type"] == "LineString"


def test_base_layers_from_kml_extended_data():
    layers = importing.base_layers_from_upload("w.kml", kml(kml_polygon(kind="water")))
    assert layers["features"][0]["properties"]["kind"] == "water"


def test_base_layers_from_shapefile_kind_attribute():
    data = zipped_shapefile([("polygon", SQUARE, "building")])
    layers = importing.base_layers_from_upload("b.zip", data)
    assert layers["features"][0]["properties"]["kind"] == "building"


# -- bad files: each says which feature and what is wrong -------------------------------------


def test_unparseable_geojson():
    assert "无法解析" in refusal(importing.boundary_from_upload, "b.geojson", b"{not json")


def test_unparseable_kml():
    assert "KML" in refusal(importing.boundary_from_upload, "b.kml", b"<kml><Placemark>")


def test_kml_entity_expansion_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE k [<!ENTITY a "aaaa">]><kml>&a;</kml>'
    assert "无法解析" in refusal(importing.boundary_from_upload, "b.kml", bomb)


def test_wrong_geometry_type_for_a_boundary():
    line = {"type": "LineString", "coordinates": SQUARE}
    data = geojson(feature(polygon()), feature(line))
    message = refusal(importing.boundary_from_upload, "b.geojson", data)
    assert "第 2 个要素是 LineString" in message


def test_self_intersecting_ring():
    data = geojson(feature(polygon(BOWTIE)))
    message = refusal(importing.boundary_from_upload, "b.geojson", data)
    assert "第 1 个要素" in message and "自相交" in message


def test_unclosed_ring_is_invalid():
    data = geojson(feature(polygon(SQUARE[:3])))
    assert "第 1 个要素" in refusal(importing.boundary_from_upload, "b.geojson", data)


def test_lat_lon_swapped():
    swapped = [[y, x] for x, y in SQUARE]
    data = geojson(feature(polygon(swapped)))
    message = refusal(importing.boundary_from_upload, "b.geojson", data)
    assert "第 1 个要素" in message and "写反" in message


def test_out_of_range():
    far = [[x + 200, y] for x, y in SQUARE]
    message = refusal(importing.boundary_from_upload, "b.geojson", geojson(feature(polygon(far))))
    assert "超出范围" in message


def test_projected_metres_in_geojson():
    metres = [[x * 100000, y * 100000] for x, y in SQUARE]
    data = geojson(feature(polygon(metres)))
    assert "投影坐标" in refusal(importing.boundary_from_upload, "b.geojson", data)


def test_empty_file_and_empty_collection():
    assert "没有任何要素" in refusal(importing.boundary_from_upload, "b.geojson", b"")
    assert "没有任何要素" in refusal(importing.boundary_from_upload, "b.geojson", geojson())


def test_feature_without_geometry():
    data = geojson(feature(polygon()), {"type": "Feature", "geometry": None, "properties": {}})
    assert "第 2 个要素没有几何图形" in refusal(importing.boundary_from_upload, "b.geojson", data)


def test_too_many_features(monkeypatch):
    monkeypatch.setattr(importing, "MAX_FEATURES", 2)
    data = geojson(*[feature(polygon()) for _ in range(3)])
    assert "要素太多" in refusal(importing.boundary_from_upload, "b.geojson", data)


def test_too_many_vertices(monkeypatch):
    monkeypatch.setattr(importing, "MAX_VERTICES", 4)
    data = geojson(feature(polygon()))
    assert "节点太多" in refusal(importing.boundary_from_upload, "b.geojson", data)


def test_file_too_big(monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 10)
    data = geojson(feature(polygon()))
    assert "文件太大" in refusal(importing.boundary_from_upload, "b.geojson", data)


def test_zip_without_shp():
    data = zipped_shapefile([("polygon", SQUARE, "")], parts=("dbf",))
    assert "没有 .shp" in refusal(importing.boundary_from_upload, "b.zip", data)


def test_zip_that_is_not_a_zip():
    assert "ZIP" in refusal(importing.boundary_from_upload, "b.zip", b"PK not really")


def test_projected_crs_in_prj_is_named():
    data = zipped_shapefile([("polygon", SQUARE, "")], prj=UTM_PRJ)
    message = refusal(importing.boundary_from_upload, "b.zip", data)
    assert "投影坐标系" in message and "WGS_1984_UTM_Zone_50N" in message


def test_other_datum_in_prj_is_refused():
    data = zipped_shapefile([("polygon", SQUARE, "")], prj=BEIJING54_PRJ)
    message = refusal(importing.boundary_from_upload, "b.zip", data)
    assert "GCS_Beijing_1954" in message and "不是 WGS-84" in message


def test_unknown_extension():
    assert "无法识别" in refusal(importing.boundary_from_upload, "b.dwg", b"x")


def test_base_layer_without_kind_and_with_a_bad_kind():
    data = geojson(feature(polygon(), kind="green"), feature(polygon()))
    assert "第 2 个要素没有 kind" in refusal(importing.base_layers_from_upload, "l.json", data)
    data = geojson(feature(polygon(), kind="forest"))
    assert "forest" in refusal(importing.base_layers_from_upload, "l.json", data)


# -- GIS-in hygiene: heights, encodings, several layers ------------------------------------


def test_a_3d_boundary_is_stored_without_z():
    ring = [[x, y, 245.5] for x, y in SQUARE]
    boundary = importing.boundary_from_upload("b.geojson", geojson(feature(polygon(ring))))
    assert boundary == {"type": "Polygon", "coordinates": [SQUARE]}


def test_a_gbk_geojson_is_read_and_one_in_no_known_encoding_is_named():
    doc = geojson(
        feature({"type": "LineString", "coordinates": SQUARE[:2]}, kind="road", 名称="老街")
    )
    text = json.dumps(json.loads(doc), ensure_ascii=False).encode("gbk")
    layers = importing.base_layers_from_upload("l.geojson", text)
    assert layers["features"][0]["properties"] == {"kind": "road"}
    message = refusal(importing.boundary_from_upload, "b.geojson", b'{"type": "\xff\xfe\xff"}')
    assert "UTF-8" in message and "GB18030" in message
    assert "不是有效的 GeoJSON" not in message


def test_a_zip_with_several_shapefiles_is_refused_naming_them():
    one = zipfile.ZipFile(io.BytesIO(zipped_shapefile([("polygon", SQUARE, "green")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for stem in ("roads", "greens"):
            for info in one.infolist():
                archive.writestr(info.filename.replace("layer", stem), one.read(info))
    message = refusal(importing.base_layers_from_upload, "two.zip", out.getvalue())
    assert "greens.shp" in message and "roads.shp" in message
