"""zh-CN strings and domain labels for the platform area (merged by workshop.i18n)."""

ZH_CN: dict[str, str] = {
    "error.csrf": "页面已过期或请求无法确认来自本工具，已拒绝。请刷新页面后再试一次。",
    "error.method_not_allowed": "不支持这种请求方式。",
    "serve.sqlite_one_worker": (
        "SQLite 只能用一个进程运行（--workers 1）。多个进程请改用 PostgreSQL："
        "设置 WORKSHOP_DATABASE_URL=postgresql+psycopg://…"
    ),
}

LABELS: dict[str, dict[str, str]] = {}
