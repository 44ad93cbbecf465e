"""Data exports for district and city platforms: GeoJSON (RFC 7946), CSV and XLSX.

Anonymous by construction: the tables are built from an explicit column list that has
no participant token, cookie, nickname or participant id; votes are aggregated per
proposal and resident group.
"""

from workshop.exports.service import (
    TABLES,
    assets_geojson,
    proposals_geojson,
    table_csv,
    tables,
    workbook_xlsx,
)

__all__ = [
    "TABLES",
    "assets_geojson",
    "proposals_geojson",
    "table_csv",
    "tables",
    "workbook_xlsx",
]
