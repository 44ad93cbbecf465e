"""Build the export tables and write them as GeoJSON, CSV (UTF-8 BOM) and XLSX.

The proposals and votes tables count yes / no / abstain, shares, pass and verdict with the
same tally the record and the report are built from (`voting.tally.tally`), so an
export reconciles with the report: for approval and dots, "no" is everyone else who voted
in the round. Codes and their labels sit side by side; headers and labels follow the
request's language; how values are written is `workshop.exports.sheets`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.assets.features import assets_of
from workshop.exports.sheets import Share, csv_bytes, defuse, text_value, xlsx_bytes
from workshop.i18n import label, t
from workshop.outcome import passed_label, verdict_label
from workshop.proposals.models import Proposal, VotingRound
from workshop.voting.tally import TallyRow, tally
from workshop.workshops.models import Workshop

# table -> column keys, the only columns an export ever carries (headers: export.col.<key>).
TABLES: dict[str, tuple[str, ...]] = {
    "assets": (
        "id",
        "asset_class",
        "class_label",
        "subtype",
        "subtype_label",
        "name",
        "description",
        "geometry_type",
        "lon",
        "lat",
        "mapped_at",
    ),
    "proposals": (
        "id",
        "title",
        "description",
        "status",
        "status_label",
        "merged_into_id",
        "has_location",
        "proposed_at",
        "rank",
        "supporters",
        "support_share",
        "yes",
        "no",
        "abstain",
        "passed",
        "passed_label",
        "verdict",
        "verdict_label",
    ),
    "votes": (
        "round",
        "method",
        "method_label",
        "proposal_id",
        "title",
        "group",
        "voters",
        "yes",
        "no",
        "abstain",
        "support_share",
        "dots",
        "passed",
        "passed_label",
        "verdict",
        "verdict_label",
    ),
}
__all__ = ["TABLES", "defuse"]


def header(table: str) -> list[str]:
    return [t(f"export.col.{key}") for key in TABLES[table]]


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
    return asset_rows(assets_of(db=db, workshop=workshop))


def asset_rows(assets: Iterable[Any]) -> list[dict]:
    """The assets table's rows for any assets with the shared fields (a workshop's, or a
    community's standing inventory, workshop.inventory)."""
    rows = []
    for a in assets:
        point = shape(a.geometry).representative_point()
        rows.append(
            {
                "id": a.id,
                "asset_class": a.asset_class,
                "class_label": label("asset_class", a.asset_class),
                "subtype": a.subtype or "",
                "subtype_label": label("asset_subtype", a.subtype) if a.subtype else "",
                "name": a.name,
                "description": a.description or "",
                "geometry_type": a.geometry.get("type"),
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
                "mapped_at": a.created_at,
                "_geometry": a.geometry,
            }
        )
    return rows


def _outcome(row: TallyRow | None) -> dict:
    """Yes/no/abstain, share, pass and verdict of one proposal, as the report counts them."""
    if row is None:
        return dict.fromkeys(
            ("rank", "supporters", "support_share", "yes", "no", "abstain")
            + ("passed", "passed_label", "verdict", "verdict_label")
        )
    verdict = row.assessment.verdict.value if row.assessment else None
    passed = row.passed if row.decision else None
    return {
        "rank": row.rank,
        "supporters": row.supporters,
        "support_share": Share(round(row.support_share, 4)),
        "yes": row.yes,
        "no": row.no,
        "abstain": row.abstain,
        "passed": None if passed is None else ("passed" if passed else "not_passed"),
        "passed_label": passed_label(passed) if passed is not None else "",
        "verdict": verdict,
        "verdict_label": verdict_label(verdict) if verdict else "",
    }


def _proposal_rows(db: Session, workshop: Workshop) -> list[dict]:
    stmt = select(Proposal).where(Proposal.workshop_id == workshop.id).order_by(Proposal.id)
    results, _ = tally(db=db, workshop=workshop)  # the latest round, as in the record
    by_id = {r.proposal_id: r for r in results}
    return [
        {
            "id": p.id,
            "title": p.title,
            "description": p.description or "",
            "status": p.status,
            "status_label": label("proposal_status", p.status),
            "merged_into_id": p.merged_into_id,
            "has_location": bool(p.location),
            "proposed_at": p.created_at,
            **_outcome(by_id.get(p.id)),
            "_geometry": p.location,
        }
        for p in db.scalars(stmt)
    ]


def _vote_rows(db: Session, workshop: Workshop) -> list[dict]:
    """Per round and proposal: one row for everyone (the report's numbers), then one per
    resident group (the counts its verdict rests on). Never per person."""
    rounds = db.scalars(
        select(VotingRound).where(VotingRound.workshop_id == workshop.id).order_by(VotingRound.id)
    )
    out = []
    for number, voting_round in enumerate(rounds, 1):
        results, _ = tally(db=db, workshop=workshop, voting_round=voting_round)
        base = {
            "round": number,
            "method": voting_round.method,
            "method_label": label("method", voting_round.method),
        }
        for r in sorted(results, key=lambda r: (r.rank, r.proposal_id)):
            head = base | {"proposal_id": r.proposal_id, "title": r.title}
            everyone = _outcome(r)
            out.append(
                head
                | {"group": t("export.all_groups"), "voters": r.yes + r.no + r.abstain}
                | {k: everyone[k] for k in ("yes", "no", "abstain", "support_share")}
                | {"dots": r.dots if r.method == "dots" else None}
                | {k: everyone[k] for k in ("passed", "passed_label", "verdict", "verdict_label")}
            )
            for g in r.groups:
                out.append(
                    head
                    | {
                        "group": g.group or label("group", "none"),
                        "voters": g.voters,
                        "yes": g.agree,
                        "no": g.disagree,
                        "abstain": g.passed,
                    }
                )
    return out


def tables(db: Session, workshop: Workshop) -> dict[str, list[dict]]:
    return {
        "assets": _asset_rows(db, workshop),
        "proposals": _proposal_rows(db, workshop),
        "votes": _vote_rows(db, workshop),
    }


def _feature_collection(rows: list[dict], table: str) -> dict:
    keys = [k for k in TABLES[table] if k not in ("lon", "lat")]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": _rfc7946(row["_geometry"]),
                "properties": {k: _json_value(row.get(k)) for k in keys},
            }
            for row in rows
            if row.get("_geometry")
        ],
    }


def _json_value(value: Any) -> Any:
    return float(value) if isinstance(value, Share) else text_value(value)


def assets_geojson(db: Session, workshop: Workshop) -> dict:
    return _feature_collection(_asset_rows(db, workshop), "assets")


def asset_rows_geojson(rows: list[dict]) -> dict:
    """An RFC 7946 FeatureCollection of `asset_rows`, as the workshop's assets export."""
    return _feature_collection(rows, "assets")


def proposals_geojson(db: Session, workshop: Workshop) -> dict:
    return _feature_collection(_proposal_rows(db, workshop), "proposals")


def _values(rows: list[dict], table: str) -> list[list[Any]]:
    return [[row.get(k) for k in TABLES[table]] for row in rows]


def table_csv(rows: list[dict], table: str) -> bytes:
    """CSV with a UTF-8 BOM, headers in the request's language."""
    return csv_bytes(header(table), _values(rows, table))


def workbook_xlsx(data: dict[str, list[dict]]) -> bytes:
    return xlsx_bytes(
        [
            (t(f"export.sheet.{table}"), header(table), _values(rows, table))
            for table, rows in data.items()
        ]
    )
