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
    "export.unknown_table": "没有这种导出数据。",
    "export.heading": "数据导出（匿名）",
    "export.assets_geojson": "资产 GeoJSON",
    "export.proposals_geojson": "提案 GeoJSON",
    "export.assets_csv": "资产 CSV",
    "export.proposals_csv": "提案 CSV",
    "export.votes_csv": "表决汇总 CSV",
    "export.xlsx": "全部数据 XLSX",
    "bundle.not_a_bundle": "这不是工作坊包（无法作为 zip 文件打开），未导入任何内容。",
    "bundle.corrupt": "工作坊包已损坏或内容不完整，未导入任何内容。",
    "bundle.too_large": "工作坊包过大或解压后体积异常（可能是压缩炸弹），已拒绝，未导入任何内容。",
    "bundle.bad_member": "工作坊包中含有不允许的文件名“{name}”，已拒绝，未导入任何内容。",
    "bundle.no_manifest": "工作坊包缺少有效的清单文件 manifest.json，未导入任何内容。",
    "bundle.unknown_version": (
        "不支持的工作坊包格式版本（{version}），请升级本软件后再导入。未导入任何内容。"
    ),
    "bundle.checksum": "工作坊包校验失败（文件被修改或缺失），已拒绝，未导入任何内容。",
    "bundle.missing_table": "工作坊包缺少数据表“{table}”，未导入任何内容。",
    "bundle.bad_geometry": "工作坊包中有无效的地图几何，已拒绝，未导入任何内容。",
    "bundle.no_file": "请选择要导入的工作坊包文件（.zip）。",
    "bundle.imported": "已导入工作坊“{title}”。",
    "bundle.already": "这个工作坊包已经导入过，没有重复导入。",
    "bundle.heading": "工作坊包（迁移到其他电脑或平台）",
    "bundle.download": "下载工作坊包",
    "bundle.upload": "导入工作坊包",
    "bundle.file": "工作坊包文件（.zip）",
}

EN: dict[str, str] = {}
EN.update(
    {
        "report.title": "Community consultation result report",
        "report.download_docx": "Download Word report",
        "report.panel": "Reports, data exports and workshop bundle",
        "export.unknown_table": "No such export.",
        "export.heading": "Data exports (anonymous)",
        "export.assets_geojson": "Assets GeoJSON",
        "export.proposals_geojson": "Proposals GeoJSON",
        "export.assets_csv": "Assets CSV",
        "export.proposals_csv": "Proposals CSV",
        "export.votes_csv": "Vote totals CSV",
        "export.xlsx": "All data XLSX",
        "bundle.not_a_bundle": "Not a workshop bundle (not a zip file); nothing was imported.",
        "bundle.corrupt": "The bundle is corrupt or incomplete; nothing was imported.",
        "bundle.too_large": "The bundle is too large or inflates abnormally (zip bomb); refused.",
        "bundle.bad_member": 'The bundle contains a forbidden file name "{name}"; refused.',
        "bundle.no_manifest": "The bundle has no valid manifest.json; nothing was imported.",
        "bundle.unknown_version": "Unsupported bundle format version ({version}); upgrade first.",
        "bundle.checksum": "Checksum mismatch (files changed or missing); refused.",
        "bundle.missing_table": 'The bundle lacks the table "{table}"; nothing was imported.',
        "bundle.bad_geometry": "The bundle contains invalid map geometry; refused.",
        "bundle.no_file": "Choose a workshop bundle (.zip) to import.",
        "bundle.imported": 'Imported the workshop "{title}".',
        "bundle.already": "This bundle was imported before; nothing was duplicated.",
        "bundle.heading": "Workshop bundle (move to another laptop or platform)",
        "bundle.download": "Download workshop bundle",
        "bundle.upload": "Import workshop bundle",
        "bundle.file": "Workshop bundle file (.zip)",
        "report.passed": "Passed",
        "report.not_passed": "Not passed",
        "report.no_data": "No data",
        "report.total": "Total",
    }
)

EN.update(
    {
        "report.meta.community": "Community",
        "report.meta.street": "Street",
        "report.meta.district": "District",
        "report.meta.date": "Date",
        "report.meta.place": "Place",
        "report.meta.time": "Time",
        "report.time_span": "{start} to {end}",
        "report.fig.participants": "Participants",
        "report.fig.assets": "Community assets",
        "report.fig.proposals": "Proposals",
        "report.fig.satisfaction": "Satisfaction",
        "report.h.facilitators": "1. Facilitation",
        "report.h.participation": "2. Participation",
        "report.h.agenda": "3. Agenda",
        "report.h.assets": "4. Community assets",
        "report.h.proposals": "5. Proposals and votes",
        "report.h.dissent": "6. Dissent and contested items",
        "report.h.review": "7. Professional review beside the residents' verdict",
        "report.h.satisfaction": "8. Satisfaction",
        "report.h.next": "9. Next steps and development goals",
        "report.h.signatures": "10. Signatures",
        "report.h.method": "Appendix 1  Method notes",
        "report.h.inventory": "Appendix 2  Asset inventory",
        "report.col.name": "Name",
        "report.col.discipline": "Discipline",
        "report.col.title": "Title",
        "report.col.organisation": "Organisation",
        "report.col.role": "Role",
        "report.role.lead": "Lead",
        "report.role.co": "Co-facilitator",
        "report.no_facilitators": "No facilitators recorded.",
        "report.participation_intro": "{total} people took part{voters}. By resident group:",
        "report.participation_voters": ", {voters} of them voted",
        "report.col.group": "Resident group",
        "report.col.people": "People",
        "report.col.share": "Share",
        "report.no_participants": "No participation recorded.",
        "report.h3.representativeness": "Representativeness",
        "report.representativeness_intro": (
            "Participants compared with the population; groups more than {margin} below "
            "their population share are marked under-represented."
        ),
        "report.col.population": "Population",
        "report.col.population_share": "Population share",
        "report.col.participants": "Participants",
        "report.col.participant_share": "Participant share",
        "report.col.gap": "Gap",
        "report.col.represented": "Representation",
        "report.under_represented": "Under-represented",
        "report.represented_ok": "—",
        "report.col.order": "No.",
        "report.col.stage": "Stage",
        "report.col.content": "Content",
        "report.assets_intro": "Residents mapped {total} community assets{appendix}.",
        "report.assets_appendix": "; the inventory is in appendix 2",
        "report.figure_caption": (
            "Figure 1  Community assets (WGS-84; equidistant projection centred on the "
            "community, scale in metres)"
        ),
        "report.no_figure": "No map data (no community boundary and no located assets).",
        "report.col.asset_class": "Asset class",
        "report.col.asset_count": "Count",
        "report.col.subtype": "Subtype",
        "report.h3.by_subtype": "By class and subtype",
        "report.no_subtype": "(no subtype)",
        "report.voting_intro": (
            "Method: {method}; voters: {voters}. Proposals are ranked by supporters; "
            "support = supporters ÷ voters."
        ),
        "report.consensus_rule": (
            "Consensus rule: agreement at least {threshold}, and every group with at least "
            "{min_voters} voters at least {floor}; fewer than {quorum} voters is "
            '"insufficient participation".'
        ),
        "report.decision_rule": (
            "Decision rule: on the basis of {basis}, a yes share of {threshold} passes"
            '{members}; quorum {quorum}. "Passed" and "consensus" are two different '
            "findings."
        ),
        "report.decision_members": " ({members} members)",
        "report.vote_sources": "Ballots: {tablet} tablet, {paper} paper, {assisted} assisted.",
        "report.col.rank": "Rank",
        "report.col.proposal": "Proposal",
        "report.col.supporters": "Supporters",
        "report.col.support_share": "Support",
        "report.col.yna": "Yes/No/Abstain",
        "report.col.passed": "Decision",
        "report.col.verdict": "Consensus",
        "report.dissenting": "Dissenting: {groups}",
        "report.by_source": "tablet {tablet} · paper {paper} · assisted {assisted}",
        "report.no_proposals": "The meeting made no proposals.",
        "report.no_dissent": "No proposal divided the resident groups noticeably.",
        "report.dissent_item": '"{title}": {verdict}, support {share}{groups}.',
        "report.dissent_groups": "; {groups} fell below the group floor and dissent",
        "report.dissent_rejected": (
            '"{title}": not passed (yes {yes}, no {no}, abstain {abstain}).'
        ),
        "report.col.residents": "Residents",
        "report.col.professionals": "Professional review",
        "report.col.statement": "Comparison",
        "report.review_line": (
            "{discipline} {name}: {feasibility}; cost {cost}; priority {priority}{comment}"
        ),
        "report.no_reviews": "No professional review yet.",
        "report.satisfaction.satisfied": "Satisfied",
        "report.satisfaction.basic": "Mostly satisfied",
        "report.satisfaction.unsatisfied": "Not satisfied",
        "report.col.rating": "Rating",
        "report.responses": "Responses",
        "report.satisfaction_rate": (
            "Satisfaction = (satisfied + mostly satisfied) ÷ responses = {rate}{none}."
        ),
        "report.satisfaction_none": " (no ratings this time)",
        "report.h3.goals": "Development goals",
        "report.h3.findings": "Findings",
        "report.h3.recommendations": "Recommendations",
        "report.h3.followup": "Follow-up",
        "report.col.item": "Item",
        "report.col.status": "Status",
        "report.col.last": "Latest entry",
        "report.no_next": "No next steps agreed yet.",
        "report.sign_note": "The results above were confirmed at the meeting.",
        "report.sign.committee": "Residents' committee",
        "report.sign.planner": "Community planner",
        "report.sign.street": "Street office",
        "report.sign.seal": "(seal)",
        "report.sign.signature": "Signature: ",
        "report.sign.date": "Date:",
        "report.method.support": (
            "Support = a proposal's supporters ÷ voters in the round, one decimal; equal "
            "supporters share a rank."
        ),
        "report.method.consensus": (
            'Consensus looks at overall agreement and at each resident group; "contested" '
            'means at least one group clearly opposes, "insufficient" that the quorum '
            "was not reached."
        ),
        "report.method.satisfaction": (
            'Satisfaction = (satisfied + mostly satisfied) ÷ responses; "no data" '
            "without responses."
        ),
        "report.method.anonymous": (
            "Everything was collected anonymously; the report holds no resident's name, "
            "contact or address."
        ),
        "report.method.map": (
            "Coordinates are WGS-84; figure 1 is an azimuthal equidistant projection "
            "centred on the community, in metres, north up."
        ),
        "report.method.audit": "Vote hash chain head: {chain}; record hash: {record}.",
        "report.method.generated": "Generated from the meeting's record on {at}.",
        "report.inventory_group": "{label} ({count})",
        "report.unnamed": "(unnamed)",
        "report.unclassified": "Unclassified",
        "report.generated": "Generated {at}",
        "report.agenda.welcome": "Sign-in; topic, rules and anonymity explained",
        "report.agenda.mapping": "Residents map assets and problems",
        "report.agenda.proposals": "Residents make and discuss proposals",
        "report.agenda.voting": "Vote on the proposals by the agreed rules",
        "report.agenda.satisfaction": "Residents rate the meeting",
        "report.agenda.closed": "Results announced, next steps confirmed",
        "report.stage.welcome": "Opening",
        "report.stage.mapping": "Asset mapping",
        "report.stage.proposals": "Proposals",
        "report.stage.voting": "Voting",
        "report.stage.satisfaction": "Satisfaction",
        "report.stage.closed": "Closing",
    }
)

LABELS: dict[str, dict[str, str]] = {}
