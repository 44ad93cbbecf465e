"""Staged strings for the report area (folded into workshop/locale by i18n_sync)."""

ZH_CN: dict[str, str] = {
    "export.assets_gpkg": "资产 GeoPackage（GIS）",
    "export.assets_shp": "资产 Shapefile（ZIP）",
    "export.gis_hint": (
        "GIS 软件（QGIS、ArcGIS）请用 GeoPackage：点、线、面各一个图层，中文与时间完整保留。"
        "Shapefile 每种几何一个文件，编码 UTF-8，长文字截断到 254 字节。"
        "GeoJSON 是一个混合几何的要素集合，适合网页地图。"
    ),
}
EN: dict[str, str] = {
    "export.assets_gpkg": "Assets GeoPackage (GIS)",
    "export.assets_shp": "Assets Shapefile (ZIP)",
    "export.gis_hint": (
        "For GIS software (QGIS, ArcGIS) take the GeoPackage: one layer each for points, "
        "lines and polygons, Chinese text and times kept whole. The Shapefile zip has one "
        "file per geometry type, UTF-8, long texts cut at 254 bytes. The GeoJSON is one "
        "mixed-geometry collection, meant for web maps."
    ),
}
LABELS: dict[str, dict[str, str]] = {}
EN_LABELS: dict[str, dict[str, str]] = {}
