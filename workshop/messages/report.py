"""zh-CN (and English) strings of the report area: the consensus report (PDF/DOCX),
data exports and workshop bundles. The report itself is an official Chinese document:
`workshop.reports.model` reads ZH_CN."""

ZH_CN: dict[str, str] = {
    "report.title": "社区议事协商结果报告",
    "report.meta.community": "社区",
    "report.meta.street": "街道",
    "report.meta.district": "区",
    "report.meta.date": "日期",
    "report.meta.place": "地点",
    "report.meta.time": "时间",
    "report.time_span": "{start} 至 {end}",
    "report.fig.participants": "参与人数",
    "report.fig.assets": "社区资产（处）",
    "report.fig.proposals": "提案（项）",
    "report.fig.satisfaction": "满意率",
    "report.no_data": "无数据",
    "report.total": "合计",
    "report.h.facilitators": "一、主持与协助",
    "report.h.participation": "二、参与情况",
    "report.h.agenda": "三、议程",
    "report.h.assets": "四、社区资产",
    "report.h.proposals": "五、提案与表决结果",
    "report.h.dissent": "六、分歧与争议事项",
    "report.h.review": "七、专业评审（三师）与居民意见对照",
    "report.h.satisfaction": "八、服务满意度",
    "report.h.next": "九、后续工作与社区发展目标",
    "report.h.signatures": "十、签字确认",
    "report.h.method": "附一　方法说明",
    "report.h.inventory": "附二　社区资产清单",
    "report.col.name": "姓名",
    "report.col.discipline": "专业",
    "report.col.title": "职称",
    "report.col.organisation": "单位",
    "report.col.role": "角色",
    "report.role.lead": "主持",
    "report.role.co": "协助",
    "report.no_facilitators": "未记录主持人员。",
    "report.participation_intro": "本次议事会共有 {total} 人参与{voters}。按居民类别统计如下：",
    "report.participation_voters": "，其中 {voters} 人参加表决",
    "report.col.group": "居民类别",
    "report.col.people": "人数",
    "report.col.share": "占比",
    "report.no_participants": "无参与记录。",
    "report.h3.representativeness": "参与代表性",
    "report.representativeness_intro": (
        "参与者构成与社区人口构成对照；占比低于人口占比 {margin} 以上的群体标为“代表不足”。"
    ),
    "report.col.population": "人口",
    "report.col.population_share": "人口占比",
    "report.col.participants": "参与人数",
    "report.col.participant_share": "参与占比",
    "report.col.gap": "差距",
    "report.col.represented": "代表性",
    "report.under_represented": "代表不足",
    "report.represented_ok": "—",
    "report.col.order": "序号",
    "report.col.stage": "环节",
    "report.col.content": "内容",
    "report.assets_intro": "居民在地图上共标注社区资产 {total} 处{appendix}。",
    "report.assets_appendix": "，资产清单见附二",
    "report.figure_caption": (
        "图 1　社区资产分布图（坐标 WGS-84；以社区中心为原点的等距投影绘制，比例尺单位为米）"
    ),
    "report.no_figure": "无地图数据（未设定社区边界，也没有带坐标的资产）。",
    "report.col.asset_class": "资产类别",
    "report.col.asset_count": "数量（处）",
    "report.col.subtype": "细分类型",
    "report.h3.by_subtype": "按类别与细分类型",
    "report.no_subtype": "（未细分）",
    "report.voting_intro": (
        "表决方式：{method}；参加表决人数：{voters} 人。提案按支持人数排序，"
        "支持率 = 支持人数 ÷ 参加表决人数。"
    ),
    "report.consensus_rule": (
        "共识判断规则：赞成比例不低于 {threshold}，且投票人数不少于 {min_voters} 人的任何居民"
        "群体赞成比例都不低于 {floor}；投票不足 {quorum} 人为“参与不足”。"
    ),
    "report.decision_rule": (
        "表决规则：以{basis}为基数，赞成比例达到 {threshold} 为通过{members}；"
        "出席法定比例 {quorum}。“通过”与“形成共识”是两项不同的结论。"
    ),
    "report.decision_members": "（应到 {members} 人）",
    "report.vote_sources": "选票来源：平板 {tablet} 张，纸质 {paper} 张，协助投票 {assisted} 张。",
    "report.col.rank": "排名",
    "report.col.proposal": "提案",
    "report.col.supporters": "支持人数",
    "report.col.support_share": "支持率",
    "report.col.yna": "赞成/反对/弃权",
    "report.col.passed": "表决结果",
    "report.col.verdict": "共识判断",
    "report.passed": "通过",
    "report.not_passed": "未通过",
    "report.dissenting": "持不同意见：{groups}",
    "report.by_source": "平板 {tablet} · 纸质 {paper} · 协助 {assisted}",
    "report.no_proposals": "本次议事会未形成提案。",
    "report.no_dissent": "各提案均未出现居民群体间的明显分歧。",
    "report.dissent_item": "“{title}”：{verdict}，支持率 {share}{groups}。",
    "report.dissent_groups": "；{groups}的赞成比例低于群体底线，持不同意见",
    "report.dissent_rejected": "“{title}”：表决未通过（赞成 {yes}，反对 {no}，弃权 {abstain}）。",
    "report.col.residents": "居民意见",
    "report.col.professionals": "专业评审",
    "report.col.statement": "对照说明",
    "report.review_line": (
        "{discipline}{name}：{feasibility}；造价 {cost}；优先级 {priority}{comment}"
    ),
    "report.no_reviews": "尚无专业评审意见。",
    "report.satisfaction.satisfied": "满意",
    "report.satisfaction.basic": "基本满意",
    "report.satisfaction.unsatisfied": "不满意",
    "report.col.rating": "评价",
    "report.responses": "回应数",
    "report.satisfaction_rate": "满意率 =（满意 + 基本满意）÷ 回应数 = {rate}{none}。",
    "report.satisfaction_none": "（本次未收到满意度评价）",
    "report.h3.goals": "社区发展目标",
    "report.h3.findings": "主要发现",
    "report.h3.recommendations": "规划建议",
    "report.h3.followup": "后续跟踪",
    "report.col.item": "事项",
    "report.col.status": "进展",
    "report.col.last": "最近记录",
    "report.no_next": "尚未确定后续工作。",
    "report.sign_note": "以上结果经议事会现场确认。",
    "report.sign.committee": "社区居委会",
    "report.sign.planner": "社区规划师",
    "report.sign.street": "街道办事处",
    "report.sign.seal": "（盖章）",
    "report.sign.signature": "签字：",
    "report.sign.date": "日期：　　　　年　　月　　日",
    "report.method.support": (
        "支持率 = 某提案的支持人数 ÷ 本轮参加表决的人数，以百分数表示，保留一位小数；"
        "支持人数相同的提案并列同一名次。"
    ),
    "report.method.consensus": (
        "共识判断看整体赞成比例和每个居民群体的赞成比例；“有争议”表示至少一个群体明显反对，"
        "“参与不足”表示投票人数未达法定人数。"
    ),
    "report.method.satisfaction": "满意率 = （满意 + 基本满意）÷ 回应数；无人回应时记为“无数据”。",
    "report.method.anonymous": (
        "参与、标注、提案、表决和满意度评价均匿名收集，本报告不含居民的姓名、联系方式或住址。"
    ),
    "report.method.map": (
        "地图坐标采用 WGS-84 经纬度；图 1 以社区边界中心为原点作方位等距投影后按米绘制，上方为北。"
    ),
    "report.method.audit": "表决记录哈希链末端：{chain}；评估记录哈希：{record}。",
    "report.method.generated": "本报告由系统根据议事会记录自动生成，生成时间：{at}。",
    "report.inventory_group": "{label}（{count} 处）",
    "report.unnamed": "（未命名）",
    "report.unclassified": "未分类",
    "report.generated": "生成时间：{at}",
    "report.agenda.welcome": "签到，介绍议题、规则与匿名方式",
    "report.agenda.mapping": "居民在地图上标注资产与问题",
    "report.agenda.proposals": "居民提出并讨论改善提案",
    "report.agenda.voting": "按既定规则对提案投票",
    "report.agenda.satisfaction": "居民评价本次议事会",
    "report.agenda.closed": "宣布结果并确认后续工作",
    "report.stage.welcome": "开场",
    "report.stage.mapping": "资产标注",
    "report.stage.proposals": "提案征集",
    "report.stage.voting": "表决",
    "report.stage.satisfaction": "满意度评价",
    "report.stage.closed": "总结",
    "report.download_docx": "下载 Word 报告",
    "report.panel": "报告、数据导出与工作坊包",
}

EN: dict[str, str] = {key: key for key in ZH_CN}  # filled below where translated
EN.update(
    {
        "report.title": "Community consultation result report",
        "report.download_docx": "Download Word report",
        "report.panel": "Reports, data exports and workshop bundle",
        "report.passed": "Passed",
        "report.not_passed": "Not passed",
        "report.no_data": "No data",
        "report.total": "Total",
    }
)

LABELS: dict[str, dict[str, str]] = {}
