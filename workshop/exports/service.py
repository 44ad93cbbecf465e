"""Build the export tables and write them as GeoJSON, CSV (UTF-8 BOM) and XLSX."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.assets.service import assets_of
from workshop.i18n import label
from workshop.proposals.models import Proposal, Vote, VotingRound
from workshop.workshops.models import Participant, Workshop

# table -> (column key, zh-CN header); the only columns an export ever carries.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "assets": (
        ("id", "编号"),
        ("asset_class", "类别代码"),
        ("class_label", "类别"),
        ("subtype", "细分类型"),
        ("name", "名称"),
        ("description", "说明"),
        ("geometry_type", "几何类型"),
        ("lon", "经度"),
        ("lat", "纬度"),
        ("created_at", "标注时间"),
    ),
    "proposals": (
        ("id", "编号"),
        ("title", "提案"),
        ("description", "说明"),
        ("status", "状态"),
        ("merged_into_id", "并入提案"),
        ("has_location", "有位置"),
        ("created_at", "提出时间"),
    ),
    "votes": (
        ("round", "轮次"),
        ("method", "表决方式"),
        ("proposal_id", "提案编号"),
        ("title", "提案"),
        ("group", "居民类别"),
        ("voters", "投票人数"),
        ("positive", "赞成/支持票"),
        ("negative", "反对票"),
        ("neutral", "弃权/零票"),
        ("total_value", "票值合计"),
    ),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def defuse(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _rfc7946(geometry: dict) -> dict:
    """Right-hand rule (exterior rings counter-clockwise, holes clockwise), 2D, no crs."""
    geom = shape(geometry)
    if geom.geom_type == "Polygon":
        geom = orient(geom, 1.0)
    elif geom.geom_type == "MultiPolygon":
        geom = type(geom)([orient(p, 1.0) for p in geom.geoms])
    out = mapping(geom)

    def plain(c: Any) -> Any:
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(c[0]), 7), round(float(c[1]), 7)]
        return [plain(x) for x in c]

    return {"type": out["type"], "coordinates": plain(out["coordinates"])}


def _asset_rows(db: Session, workshop: Workshop) -> list[dict]:
    rows = []
    for a in assets_of(db=db, workshop=workshop):
        point = shape(a.geometry).representative_point()
        rows.append(
            {
                "id": a.id,
                "asset_class": a.asset_class,
                "class_label": label("asset_class", a.asset_class),
                "subtype": a.subtype or "",
                "name": a.name,
                "description": a.description or "",
                "geometry_type": a.geometry.get("type"),
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
                "created_at": _iso(a.created_at),
                "_geometry": a.geometry,
            }
        )
    return rows


def _proposals(db: Session, workshop: Workshop) -> list[Proposal]:
    stmt = select(Proposal).where(Proposal.workshop_id == workshop.id).order_by(Proposal.id)
    return list(db.scalars(stmt))


def _proposal_rows(db: Session, workshop: Workshop) -> list[dict]:
    return [
        {
            "id": p.id,
            "title": p.title,
            "description": p.description or "",
            "status": p.status,
            "merged_into_id": p.merged_into_id or "",
            "has_location": "是" if p.location else "否",
            "created_at": _iso(p.created_at),
            "_geometry": p.location,
        }
        for p in _proposals(db, workshop)
    ]


def _vote_rows(db: Session, workshop: Workshop) -> list[dict]:
    """Votes aggregated per round, proposal and resident group (never per person)."""
    rounds = db.scalars(
        select(VotingRound.id)
        .where(VotingRound.workshop_id == workshop.id)
        .order_by(VotingRound.id)
    )
    ordinal = {rid: i for i, rid in enumerate(rounds, 1)}
    stmt = (
        select(VotingRound.id, VotingRound.method, Proposal.id, Proposal.title)
        .add_columns(Participant.group, Vote.value)
        .join(Vote, Vote.round_id == VotingRound.id)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .join(Participant, Participant.id == Vote.participant_id)
        .where(VotingRound.workshop_id == workshop.id)
    )
    agg: dict[tuple, dict] = defaultdict(
        lambda: {"voters": 0, "positive": 0, "negative": 0, "neutral": 0, "total_value": 0}
    )
    titles: dict[int, str] = {}
    for rid, method, pid, title, group, value in db.execute(stmt):
        titles[pid] = title
        number = ordinal[rid]
        row = agg[(number, method, pid, group or "")]
        row["voters"] += 1
        row["total_value"] += value
        row["positive" if value > 0 else "negative" if value < 0 else "neutral"] += 1
    return [
        {
            "round": number,
            "method": label("method", method),
            "proposal_id": pid,
            "title": titles[pid],
            "group": group or label("group", "none"),
            **counts,
        }
        for (number, method, pid, group), counts in sorted(agg.items(), key=lambda kv: kv[0][:3])
    ]


def tables(db: Session, workshop: Workshop) -> dict[str, list[dict]]:
    return {
        "assets": _asset_rows(db, workshop),
        "proposals": _proposal_rows(db, workshop),
        "votes": _vote_rows(db, workshop),
    }


def _feature_collection(rows: list[dict], table: str) -> dict:
    keys = [k for k, _ in TABLES[table]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": _rfc7946(row["_geometry"]),
                "properties": {k: row[k] for k in keys if k not in ("lon", "lat")},
            }
            for row in rows
            if row.get("_geometry")
        ],
    }


def assets_geojson(db: Session, workshop: Workshop) -> dict:
    return _feature_collection(_asset_rows(db, workshop), "assets")


def proposals_geojson(db: Session, workshop: Workshop) -> dict:
    return _feature_collection(_proposal_rows(db, workshop), "proposals")


def table_csv(rows: list[dict], table: str) -> bytes:
    """CSV with a UTF-8 BOM (Excel on Windows then reads the Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _, header in TABLES[table]])
    for row in rows:
        writer.writerow([defuse(row[k]) for k, _ in TABLES[table]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    """Defused, and without the control characters a worksheet cannot hold."""
    value = defuse(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


SHEETS = {"assets": "社区资产", "proposals": "提案", "votes": "表决汇总"}


def workbook_xlsx(data: dict[str, list[dict]]) -> bytes:
    wb = Workbook(write_only=True)
    for table, rows in data.items():
        ws = wb.create_sheet(SHEETS[table])
        ws.append([header for _, header in TABLES[table]])
        for row in rows:
            ws.append([_xlsx_value(row[k]) for k, _ in TABLES[table]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
