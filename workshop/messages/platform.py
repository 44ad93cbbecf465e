"""zh-CN strings and domain labels for the platform area (merged by workshop.i18n)."""

ZH_CN: dict[str, str] = {}

LABELS: dict[str, dict[str, str]] = {}
