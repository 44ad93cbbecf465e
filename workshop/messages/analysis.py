"""zh-CN strings and labels for the analysis and base-map area (merged by workshop.i18n)."""

ZH_CN: dict[str, str] = {
    "analysis.title": "资产空间分析",
    "analysis.open": "空间分析",
    "analysis.back": "返回工作坊",
    "analysis.summary": "社区面积 {area} 公顷，参与分析的资产 {count} 项（已合并的不重复计算）。",
    "analysis.metric_note": "所有距离、长度和面积都在以社区为中心的平面投影中按米计算。",
    "analysis.by_class": "按类别统计",
    "analysis.by_subtype": "按小类统计",
    "analysis.class": "类别",
    "analysis.subtype": "小类",
    "analysis.subtype_none": "未选小类",
    "analysis.count": "数量",
    "analysis.length": "线长度（米）",
    "analysis.area": "面面积（平方米）",
    "analysis.per_ha": "每公顷数量",
    "analysis.coverage": "生活圈覆盖",
    "analysis.coverage_note": (
        "社区面积中，距某类资产直线 300 米、500 米、1000 米以内的比例"
        "（GB 50180-2018 的 5、10、15 分钟生活圈）。直线距离不计围墙和河流，实际步行可能更远。"
        "勾选某一格，在地图上显示该类资产覆盖不到的区域。"
    ),
    "analysis.radius": "{radius} 米",
    "analysis.show_gap": "在地图上显示 {cls} {radius} 米覆盖不到的区域",
    "analysis.duplicates": "疑似重复",
    "analysis.duplicates_note": (
        "同一类别、相距不超过 {distance} 米、名称相似（一个名称包含另一个，"
        "或相同字符占比不低于 {similarity}）的两条资产。合并后保留第一条，贡献者和 +1 都会保留。"
    ),
    "analysis.no_duplicates": "没有发现疑似重复的资产。",
    "analysis.distance": "相距 {metres} 米",
    "analysis.merge": "合并到“{name}”",
    "analysis.merge_confirm": "把“{other}”合并到“{keep}”？",
    "analysis.clusters": "资产聚集",
    "analysis.clusters_note": (
        "同一类别中，{min} 项以上资产彼此相距不超过 {eps} 米连成的一片（DBSCAN 方法）。"
    ),
    "analysis.no_clusters": "没有形成聚集的资产。",
    "analysis.size": "资产数",
    "analysis.centroid": "中心位置（经度, 纬度）",
    "analysis.complete": "完整社区检查",
    "analysis.complete_note": (
        "在社会资产中查找完整社区应有的设施（按小类或名称、描述中的关键词）。"
        "“每百户不少于 30 平方米服务用房”需要户数，这里不检查。"
    ),
    "analysis.facility": "设施",
    "analysis.present": "已标注",
    "analysis.missing": "未标注",
    "analysis.assets": "对应资产",
    "analysis.map": "覆盖缺口地图",
    "analysis.map_note": "阴影为所选类别、所选距离内覆盖不到的社区范围。",
    "analysis.unknown_radius": "距离只能是 300、500 或 1000 米。",
    "basemap.invalid": "底图设置格式不对。",
    "basemap.unknown_kind": (
        "底图类型只能是 vector（仅矢量）、tiles（本机瓦片包）或 xyz（在线瓦片）。"
    ),
    "basemap.unknown_crs": "底图坐标系只能是 wgs84 或 gcj02。",
    "basemap.bad_pack": "瓦片包名称只能由小写字母、数字、- 和 _ 组成，对应 maps/ 下的文件夹。",
    "basemap.pack_missing": "找不到瓦片包 maps/{pack}/tiles.mbtiles。",
    "basemap.saved": "已设置社区底图：{kind}",
    "basemap.bad_url": "在线瓦片地址必须以 http:// 或 https:// 开头，并包含 {z}、{x}、{y}。",
}

LABELS: dict[str, dict[str, str]] = {
    "facility": {
        "kindergarten": "幼儿园",
        "nursery": "托育点（托儿所）",
        "elderly_service": "养老服务站（老年服务）",
        "health_station": "社区卫生服务站",
        "everyday_shops": "便民商业（超市、菜市场、便利店等）",
        "community_service": "社区综合服务站（党群服务中心）",
        "activity_space": "公共活动场地",
    },
}
