"""zh-CN and English strings for the communities area (merged by workshop.i18n):
creating and editing a community, its drawn or imported boundary and base layers."""

ZH_CN: dict[str, str] = {
    # importing: every message says which feature (n, 1-based) and what is wrong
    "community.import.too_big": "文件太大：最多 {limit} MB。请裁剪范围或简化后再上传。",
    "community.import.empty": "文件里没有任何要素（或边界面积为零）。",
    "community.import.unknown_format": (
        "无法识别的文件类型“{ext}”：请上传 GeoJSON（.geojson/.json）、KML（.kml）"
        "或压缩的 Shapefile（.zip）。"
    ),
    "community.import.unparseable": "文件无法解析：不是有效的 {fmt} 文件。",
    "community.import.too_many_features": "要素太多：文件有 {count} 个，最多 {limit} 个。",
    "community.import.too_many_vertices": "节点太多：最多 {limit} 个，请先简化图形。",
    "community.import.no_geometry": "第 {n} 个要素没有几何图形。",
    "community.import.bad_coordinates": "第 {n} 个要素的坐标格式不正确。",
    "community.import.swapped": (
        "第 {n} 个要素的坐标（{x}, {y}）像是经纬度写反了：应为“经度, 纬度”的顺序。"
    ),
    "community.import.out_of_range": (
        "第 {n} 个要素的坐标（{x}, {y}）超出范围：经度须在 −180 到 180，纬度须在 −90 到 90。"
    ),
    "community.import.projected_coords": (
        "第 {n} 个要素的坐标（{x}, {y}）是投影坐标（米），不是经纬度：请先转换为 WGS-84 经纬度。"
    ),
    "community.import.self_intersection": (
        "第 {n} 个要素的边界线自相交（{reason}），请修正后再上传。"
    ),
    "community.import.invalid_ring": (
        "第 {n} 个要素的边界环无效（{reason}）：环须至少 4 个点且首尾相同，请修正后再上传。"
    ),
    "community.import.boundary_type": "第 {n} 个要素是 {type}：社区边界须是面（Polygon）。",
    "community.import.layer_type": "第 {n} 个要素的几何类型 {type} 不能用作底图图层。",
    "community.import.no_kind": (
        "第 {n} 个要素没有 kind 属性：请在文件里填写 kind，或为整个文件选择一种类型。"
    ),
    "community.import.bad_kind": (
        "第 {n} 个要素的类型“{kind}”无效：须是 road、building、green 或 water 之一。"
    ),
    "community.import.no_shp": (
        "压缩包里没有 .shp 文件：请把 .shp、.shx、.dbf（和 .prj）一起压缩上传。"
    ),
    "community.import.no_dbf": "压缩包里没有 .dbf 文件：请把 .shp、.shx、.dbf 一起压缩上传。",
    "community.import.projected_crs": (
        "Shapefile 使用投影坐标系“{crs}”，不是 WGS-84 经纬度：请先转换为 WGS-84（EPSG:4326）。"
    ),
    "community.import.not_wgs84": (
        "Shapefile 的坐标系“{crs}”不是 WGS-84：请先转换为 WGS-84（EPSG:4326）。"
    ),
    # create / edit pages
    "community.new": "新建社区",
    "community.edit": "编辑社区",
    "community.edit_link": "编辑社区信息与边界",
    "community.name": "社区名称",
    "community.district": "区",
    "community.street": "街道",
    "community.boundary": "社区边界",
    "community.boundary_hint": (
        "在地图上用多边形工具画出边界，或上传文件（GeoJSON、KML、压缩的 Shapefile）。"
    ),
    "community.boundary_file": "上传边界文件",
    "community.base_layers": "底图图层",
    "community.base_layers_hint": (
        "上传道路、建筑、绿地或水体的文件：文件里的 kind 属性决定类型，也可以为整个文件选择一种。"
    ),
    "community.base_layers_file": "上传图层文件",
    "community.base_layers_count": "现有底图要素：{count} 个",
    "community.kind_from_file": "按文件里的 kind 属性",
    "community.replace_layers": "替换现有图层（不勾选则追加）",
    "community.save": "保存",
    "community.saved": "已保存。",
    "community.name_required": "请填写社区名称。",
    "community.boundary_required": "请画出社区边界或上传边界文件。",
    "community.not_editable": "只有创建这个社区或在这里主持工作坊的规划师可以编辑它。",
    "community.back": "返回",
}

EN: dict[str, str] = {
    "community.import.too_big": "The file is too big: at most {limit} MB. Crop or simplify it.",
    "community.import.empty": "The file has no features (or the boundary has no area).",
    "community.import.unknown_format": (
        'Unknown file type "{ext}": upload GeoJSON (.geojson/.json), KML (.kml) '
        "or a zipped Shapefile (.zip)."
    ),
    "community.import.unparseable": "The file cannot be read: it is not valid {fmt}.",
    "community.import.too_many_features": "Too many features: {count}, at most {limit}.",
    "community.import.too_many_vertices": "Too many vertices: at most {limit}; simplify first.",
    "community.import.no_geometry": "Feature {n} has no geometry.",
    "community.import.bad_coordinates": "Feature {n} has malformed coordinates.",
    "community.import.swapped": (
        "Feature {n}: the coordinates ({x}, {y}) look like latitude and longitude swapped; "
        "the order is longitude, latitude."
    ),
    "community.import.out_of_range": (
        "Feature {n}: the coordinates ({x}, {y}) are out of range "
        "(longitude −180..180, latitude −90..90)."
    ),
    "community.import.projected_coords": (
        "Feature {n}: the coordinates ({x}, {y}) are projected (metres), not longitude and "
        "latitude: convert to WGS-84 first."
    ),
    "community.import.self_intersection": "Feature {n}: the boundary crosses itself ({reason}).",
    "community.import.invalid_ring": "Feature {n}: the ring is invalid ({reason}).",
    "community.import.boundary_type": "Feature {n} is a {type}: a boundary must be a Polygon.",
    "community.import.layer_type": "Feature {n}: geometry type {type} cannot be a base layer.",
    "community.import.no_kind": (
        "Feature {n} has no kind attribute: add one or choose a kind for the whole file."
    ),
    "community.import.bad_kind": (
        'Feature {n}: kind "{kind}" is not one of road, building, green, water.'
    ),
    "community.import.no_shp": "The zip has no .shp file: zip .shp, .shx, .dbf (and .prj).",
    "community.import.no_dbf": "The zip has no .dbf file: zip .shp, .shx and .dbf together.",
    "community.import.projected_crs": (
        'The Shapefile uses the projected system "{crs}", not WGS-84: '
        "convert to WGS-84 (EPSG:4326) first."
    ),
    "community.import.not_wgs84": (
        'The Shapefile\'s coordinate system "{crs}" is not WGS-84: convert to EPSG:4326 first.'
    ),
    "community.new": "New community",
    "community.edit": "Edit community",
    "community.edit_link": "Edit community details and boundary",
    "community.name": "Community name",
    "community.district": "District",
    "community.street": "Street",
    "community.boundary": "Boundary",
    "community.boundary_hint": (
        "Draw the boundary with the polygon tool, or upload a file "
        "(GeoJSON, KML, zipped Shapefile)."
    ),
    "community.boundary_file": "Upload a boundary file",
    "community.base_layers": "Base layers",
    "community.base_layers_hint": (
        "Upload roads, buildings, green or water: each feature's kind attribute decides, "
        "or choose one kind for the whole file."
    ),
    "community.base_layers_file": "Upload a layer file",
    "community.base_layers_count": "Base-layer features now: {count}",
    "community.kind_from_file": "From the file's kind attribute",
    "community.replace_layers": "Replace the current layers (otherwise add to them)",
    "community.save": "Save",
    "community.saved": "Saved.",
    "community.name_required": "Enter the community's name.",
    "community.boundary_required": "Draw the boundary or upload a boundary file.",
    "community.not_editable": (
        "Only the planner who created this community or runs a workshop in it may edit it."
    ),
    "community.back": "Back",
}

ZH_CN["community.layer_kind"] = "整个文件的类型"
EN["community.layer_kind"] = "Kind for the whole file"

LABELS: dict[str, dict[str, str]] = {
    "base_kind": {"road": "道路", "building": "建筑", "green": "绿地", "water": "水体"},
}

# projector: coverage gaps of a class (templates/analysis/_projector_gaps.html)
ZH_CN["gaps.title"] = "覆盖缺口"
ZH_CN["gaps.off"] = "关闭"
EN["gaps.title"] = "Coverage gaps"
EN["gaps.off"] = "Off"
ZH_CN["gaps.uncovered"] = "未覆盖面积"
EN["gaps.uncovered"] = "Uncovered area"
