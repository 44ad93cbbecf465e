"""Every user-facing string, in one place. zh-CN first; English follows (issue 8).

`t(key, **params)` formats a message; `label(kind, key)` names a domain value.
"""

from __future__ import annotations

from typing import Any

DEFAULT_LOCALE = "zh-CN"

MESSAGES: dict[str, dict[str, str]] = {
    "zh-CN": {
        # product
        "app.name": "社区规划工作坊",
        "app.tagline": "资产为基 · 居民议事 · 规划评估",
        "nav.console": "工作台",
        "nav.service_log": "服务记录",
        "nav.logout": "退出登录",
        # errors
        "error.title": "出错了",
        "error.back": "返回",
        "error.not_found": "页面不存在。",
        "error.cross_site": "请求来自其他网站，已拒绝。请在本工具的页面里操作。",
        "error.busy": "现在人太多了，请稍等几秒再试一次，已保存的内容不会丢失。",
        "error.server": "服务器出错了，已保存的内容不会丢失。请稍后再试。",
        "error.number_out_of_range": "数字超出范围",
        "error.request_invalid": "提交的内容不完整或格式不对：{fields}",
        "field.too_long": "内容太长了，最多 {limit} 个字。",
        "geo.not_geojson": "不是有效的 GeoJSON 几何。",
        "geo.boundary_not_polygon": "社区边界必须是面（Polygon 或 MultiPolygon）。",
        "geo.point_missing": "请先在地图上点一下，选择位置。",
        "geo.out_of_range": "坐标超出范围（经度 −180～180，纬度 −90～90），可能把经纬度写反了。",
        "geo.outside_boundary": "这个位置在社区范围外约 {metres} 米，请在社区边界内选点。",
        "login.title": "规划师登录",
        "login.username": "用户名",
        "login.password": "密码",
        "login.submit": "登录",
        "login.failed": "用户名或密码不正确。",
        "login.too_many": "登录失败次数太多，请 {seconds} 秒后再试。",
        "login.required": "请先登录。",
        "planner.username_invalid": "用户名不能为空，最多 64 个字符。",
        "planner.password_short": "密码至少 {limit} 位。",
        "planner.unknown_discipline": "专业只能是规划师、建筑师或工程师。",
        "planner.unknown_title": "职称只能是初级、中级、副高级或正高级。",
        "planner.username_taken": "这个用户名已被使用。",
        "community.not_found": "找不到这个社区。",
        "workshop.not_found": "找不到这个工作坊。",
        "workshop.title_required": "请填写工作坊名称。",
        "workshop.date_invalid": "日期格式不对，请用 年-月-日。",
        "stage.not_open": "现在不是这个环节，请跟随主持人的进度。",
        "stage.changed": "环节已被其他窗口切换，页面已刷新。",
        "stage.already_closed": "工作坊已经结束。",
        "join.unknown_code": "没有找到这个参与码，请核对后再输入。",
        "join.too_many": "输错参与码的次数太多了，请 {seconds} 秒后再试。",
        "join.consent_required": "请先阅读并同意参与须知。",
        "join.closed": "这场工作坊已经结束，不能再加入。",
        "join.unknown_group": "请选择列表中的身份。",
        "join.required": "请先加入工作坊。",
        "asset.unknown_class": "请选择资产类别。",
        "asset.name_required": "请给这个资产起个名字。",
        "proposal.title_required": "请填写提案标题。",
        "proposal.not_found": "找不到这个提案。",
        "vote.round_closed": "投票已经结束，不能再更改。",
        "vote.not_participant": "只有本场工作坊的参与者可以投票。",
        "satisfaction.unknown_rating": "请选择满意、基本满意或不满意。",
        "assessment.not_found": "还没有评估记录：工作坊结束后自动生成。",
        # stages
        "stage.welcome": "欢迎",
        "stage.mapping": "资产地图",
        "stage.proposals": "提出建议",
        "stage.voting": "投票",
        "stage.satisfaction": "满意度",
        "stage.closed": "已结束",
        "stage.hint.welcome": "欢迎参加！请稍候，主持人马上开始。",
        "stage.hint.mapping": "在地图上点一下，告诉大家社区里有什么好东西。",
        "stage.hint.proposals": "您希望社区哪里变得更好？写下您的建议。",
        "stage.hint.voting": "为您支持的建议点“支持”，可以支持多项，也可以撤回。",
        "stage.hint.satisfaction": "请评价这次规划师的服务。",
        "stage.hint.closed": "工作坊已经结束，谢谢您的参与！",
        # console
        "console.title": "工作台",
        "console.communities": "社区",
        "console.workshops": "工作坊",
        "console.no_workshops": "还没有工作坊，先在下面创建一个。",
        "console.new_workshop": "新建工作坊",
        "console.community": "社区",
        "console.ws_title": "名称",
        "console.date": "日期",
        "console.place": "地点",
        "console.groups": "居民身份（每行一个）",
        "console.create": "创建",
        "console.open": "打开",
        "console.stage": "当前环节",
        "console.advance": "进入下一环节：{stage}",
        "console.advance_confirm": "确定进入下一环节“{stage}”吗？",
        "console.join_code": "参与码",
        "console.join_url": "居民加入地址",
        "console.projector": "打开投影页",
        "console.participants": "参与人数",
        "console.by_group": "按身份",
        "console.assets": "资产",
        "console.proposals": "提案",
        "console.voters": "已投票人数",
        "console.closed_outputs": "会后成果",
        "console.assessment": "规划评估记录",
        "console.report_html": "共识报告（网页）",
        "console.report_pdf": "共识报告（PDF）",
        "console.district_street": "{district} · {street}",
        # service log
        "log.title": "服务记录",
        "log.empty": "还没有服务记录。结束一场工作坊后会自动生成。",
        "log.date": "日期",
        "log.community": "社区",
        "log.function": "工作职能",
        "log.hours": "时长（小时）",
        "log.base_points": "基础分",
        "log.satisfaction": "满意率",
        "log.summary": "摘要",
        "log.proof": "依据",
        "log.defaults_note": "基础分为默认值，可按所在区的积分细则调整。",
        # assessment
        "assessment.title": "规划评估记录",
        "assessment.version": "第 {version} 版",
        "assessment.participation": "参与情况",
        "assessment.assets": "资产清单",
        "assessment.proposals": "提案排序",
        "assessment.satisfaction": "满意度",
        "assessment.rank": "排名",
        "assessment.proposal": "提案",
        "assessment.supporters": "支持人数",
        "assessment.support_share": "支持率",
        "assessment.count": "数量",
        "assessment.verdict": "共识判断",
        "assessment.dissent": "持不同意见的群体",
        "assessment.rules_note": (
            "共识判断规则：赞成比例不低于 {threshold}，且投票人数不少于 {min_voters} 人的"
            "任何居民群体赞成比例都不低于 {floor}；投票不足 {quorum} 人为“参与不足”。"
        ),
        "assessment.group": "身份",
        "assessment.class": "类别",
        "assessment.rate": "满意率",
        "assessment.no_data": "无数据",
        # tablet
        "join.title": "加入工作坊",
        "join.code_label": "请输入参与码",
        "join.code_hint": "参与码在投影屏幕上，6 位字母和数字",
        "join.next": "下一步",
        "join.nickname": "怎么称呼您（可不填）",
        "join.group": "您的身份（可不选）",
        "join.group_none": "不选择",
        "join.notice_title": "参与须知",
        "join.notice": (
            "本工作坊由社区规划师组织，用于记录居民对社区资产和改造建议的意见。"
            "我们只保存您填写的称呼（可不填）、身份类别和您的意见，"
            "不收集姓名、电话、身份证号或住址。结果以匿名统计的方式写入提交街道办的报告，"
            "原始记录在工作坊结束后由规划师保管。您可以随时停止参与。"
        ),
        "join.consent": "我已阅读并同意",
        "join.submit": "加入",
        "tablet.you_are": "您好，{name}",
        "tablet.guest": "居民朋友",
        "tablet.next_person": "下一位",
        "tablet.next_person_confirm": "交给下一位居民使用吗？您已提交的内容都已保存。",
        "tablet.tap_map": "先在地图上点一下要标注的位置",
        "tablet.asset_class": "资产类别",
        "tablet.asset_name": "名称（例如：黄葛古树、坝坝舞队）",
        "tablet.asset_description": "说明（可不填）",
        "tablet.human_note": "人力资产记录技能和提供的地点，请不要标注任何人的住址。",
        "tablet.save_asset": "保存",
        "tablet.asset_saved": "已添加：{name}",
        "tablet.proposal_title": "建议标题",
        "tablet.proposal_description": "具体说明（可不填）",
        "tablet.submit_proposal": "提交建议",
        "tablet.proposal_saved": "已提交：{title}",
        "tablet.proposals_so_far": "大家的建议",
        "tablet.no_proposals": "还没有建议。",
        "tablet.support": "支持",
        "tablet.supported": "已支持 ✓",
        "tablet.withdraw": "撤回",
        "tablet.rate_submit": "提交",
        "tablet.rating_saved": "谢谢您的评价！",
        "tablet.comment": "还想说的话（可不填）",
        # projector
        "projector.join_at": "扫码或输入参与码加入",
        "projector.participants": "已加入 {count} 人",
        "projector.proposals": "建议墙",
        "projector.results": "投票结果",
        "projector.voters": "{count} 人已投票",
        "projector.fullscreen": "全屏",
        "projector.legend": "图例",
        # report
        "report.title": "社区议事协商结果报告",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "asset_class": {
        "ecological": "生态资产",
        "cultural": "文化资产",
        "social": "社会资产",
        "human": "人力资产",
    },
    "discipline": {"planner": "规划师", "architect": "建筑师", "engineer": "工程师"},
    "title": {
        "junior": "初级",
        "intermediate": "中级",
        "associate_senior": "副高级",
        "senior": "正高级",
    },
    "rating": {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"},
    "method": {"approval": "赞成投票（可多选）"},
    "work_function": {
        "concept_promotion": "理念推广",
        "communication": "沟通协调",
        "assessment": "规划评估",
        "community_building": "社区营造",
    },
    "group": {"none": "未填写"},
    "verdict": {"consensus": "形成共识", "contested": "存在分歧", "insufficient": "参与不足"},
}


# Each area of the product keeps its own strings in workshop/messages/<area>.py
# (ZH_CN: key -> text; LABELS: kind -> {value: text}); they are merged here, so work on
# different areas never edits the same file.
def _merge_areas() -> None:
    from workshop.messages import AREAS

    for area in AREAS:
        MESSAGES[DEFAULT_LOCALE].update(getattr(area, "ZH_CN", {}))
        for kind, names in getattr(area, "LABELS", {}).items():
            LABELS.setdefault(kind, {}).update(names)


_merge_areas()


def t(key: str, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """Return the message for `key`, formatted; the key itself if it is missing."""
    catalog = MESSAGES.get(locale) or MESSAGES[DEFAULT_LOCALE]
    text = catalog.get(key) or MESSAGES[DEFAULT_LOCALE].get(key, key)
    return text.format(**params) if params else text


def label(kind: str, key: str) -> str:
    return LABELS.get(kind, {}).get(key, key)
