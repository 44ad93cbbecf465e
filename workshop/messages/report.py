"""Staged strings for the report area (folded into workshop/locale by i18n_sync)."""

ZH_CN: dict[str, str] = {}
EN: dict[str, str] = {}
LABELS: dict[str, dict[str, str]] = {}
EN_LABELS: dict[str, dict[str, str]] = {}
