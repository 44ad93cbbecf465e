"""zh-CN and English strings for the tablet/projector/console experience (ux area)."""

ZH_CN: dict[str, str] = {
    "ux.skip": "跳到主要内容",
    "ux.display": "显示设置",
    "ux.large_text": "大字",
    "ux.high_contrast": "高对比度",
    "ux.offline": "与主持电脑的连接已断开，正在重连…您的操作会在恢复后自动发送。",
    "ux.online": "连接已恢复。",
    "ux.stage_timer": "本环节已进行",
    "ux.poster": "打印参与二维码海报（A4）",
    "ux.poster.title": "扫码参与社区规划工作坊",
    "ux.poster.step1": "用手机或平板扫描二维码，或在浏览器打开下面的网址。",
    "ux.poster.step2": "输入参与码，选择您所在的群体，点“加入”。",
    "ux.poster.step3": "按屏幕上的提示操作：在地图上标注、提建议、投票。",
    "ux.poster.code": "参与码",
    "ux.poster.url": "网址",
    "ux.undo": "撤销",
    "ux.undone": "已撤销。",
}

EN: dict[str, str] = {
    "ux.skip": "Skip to main content",
    "ux.display": "Display",
    "ux.large_text": "Large text",
    "ux.high_contrast": "High contrast",
    "ux.offline": "Connection to the host laptop lost, reconnecting… Your actions will be sent"
    " when it is back.",
    "ux.online": "Connection restored.",
    "ux.stage_timer": "Time in this stage",
    "ux.poster": "Print the join QR poster (A4)",
    "ux.poster.title": "Scan to join the community planning workshop",
    "ux.poster.step1": "Scan the QR code with a phone or tablet, or open the address below.",
    "ux.poster.step2": "Enter the join code, choose your group, tap “Join”.",
    "ux.poster.step3": "Follow the screen: pin places on the map, suggest ideas, vote.",
    "ux.poster.code": "Join code",
    "ux.poster.url": "Address",
    "ux.undo": "Undo",
    "ux.undone": "Undone.",
}

LABELS: dict[str, dict[str, str]] = {}
