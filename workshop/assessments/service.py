"""Assessment records (规划评估记录): the structured result of a closed workshop.

`build_content` turns a workshop into plain JSON data, the single source for the record
page and every report. Versions, editing and finalising live in `versions.py`; the
three-discipline review in `review.py`.
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from fractions import Fraction
from typing import Any

from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.assessments.models import AssessmentRecord
from workshop.assets.classes import ASSET_CLASSES
from workshop.assets.features import assets_of, counts_by_class
from workshop.audit.chain import vote_chain_head
from workshop.db import utcnow
from workshop.errors import NotFound
from workshop.i18n import REPORT_LOCALE, label, t, use_locale
from workshop.proposals.service import consensus_by_proposal, tally
from workshop.voting.consensus import (
    NO_GROUP,
    SIGNIFICANCE_MIN_SAMPLE,
    Assessment,
    share_text,
)
from workshop.voting.rounds import current_round
from workshop.voting.rules import rules_of
from workshop.voting.tally import SOURCES, voters_by_source
from workshop.workshops.models import Workshop
from workshop.workshops.representativeness import representativeness, under_represented
from workshop.workshops.service import (
    participants_by_group,
    satisfaction_comments,
    satisfaction_summary,
)
from workshop.workshops.timeline import stage_times

log = logging.getLogger(__name__)

# Version of the content schema; readers check it before using keys added later.
# 1: the walking skeleton; 2: adds format, proposal ids, duration, subtypes, spatial,
# the planner's text (findings, recommendations, goals), reviews and follow-up.
FORMAT = 2
# Keys the planner edits; regenerating the numbers keeps them.
PLANNER_KEYS = ("findings", "recommendations", "goals", "meeting")
# The consensus definitions a record's verdicts follow (docs/consensus.md); 1 (absent):
# passes outside agreement, silent groups dropped, no group counted as a group.
CONSENSUS_DEFINITIONS = 2


def build_content(*, db: Session, workshop: Workshop) -> dict:
    """The record's content. Always in Chinese: it feeds the report for the street office,
    whatever language the planner's screen is in."""
    with use_locale(REPORT_LOCALE):
        return _build_content(db=db, workshop=workshop)


def _build_content(*, db: Session, workshop: Workshop) -> dict:
    """Return the record's content: plain JSON data, the single source for every report."""
    community, planner = workshop.community, workshop.planner
    counts = counts_by_class(db=db, workshop=workshop)
    assets = assets_of(db=db, workshop=workshop)
    rows, voters = tally(db=db, workshop=workshop)
    verdicts = consensus_by_proposal(db=db, workshop=workshop)
    rules = rules_of(db=db, workshop=workshop)
    last_round = current_round(db=db, workshop=workshop)
    method = last_round.method if last_round else rules.method
    groups = participants_by_group(db=db, workshop=workshop)
    represented = representativeness(db=db, workshop=workshop)
    missing = under_represented(represented)
    return {
        "format": FORMAT,
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "community": {
            "id": community.id,
            "name": community.name,
            "district": community.district,
            "street": community.street,
        },
        "workshop": {
            "id": workshop.id,
            "title": workshop.title,
            "date": workshop.date.isoformat(),
            "place": workshop.place,
            "opened_at": _iso(workshop.opened_at),
            "closed_at": _iso(workshop.closed_at),
            "stages": stage_times(workshop),
        },
        "facilitators": [facilitator_dict(planner, lead=True)],
        "participation": {
            "total": sum(n for _, n in groups),
            "by_group": [{"group": g or label("group", "none"), "count": n} for g, n in groups],
            "duration_minutes": _minutes(workshop),
        },
        "assets": {
            "total": sum(counts.values()),
            "by_class": [
                {
                    "key": key,
                    "label": label("asset_class", key),
                    "colour": ASSET_CLASSES[key].colour,
                    "count": n,
                }
                for key, n in counts.items()
            ],
            "by_subtype": _by_subtype(assets),
            "items": [_asset_item(a) for a in assets],
        },
        "spatial": spatial_findings(db, workshop),
        "boundary": community.boundary,
        "voting": {
            "method": method,
            "method_label": label("method", method),
            "voters": voters,
            "rules": {
                # Floats for the pages that print percentages; the exact share beside.
                "agreement_threshold": _share(rules.consensus.agreement_threshold),
                "agreement_threshold_exact": share_text(rules.consensus.agreement_threshold),
                "group_min_voters": rules.consensus.group_min_voters,
                "group_floor": _share(rules.consensus.group_floor),
                "group_floor_exact": share_text(rules.consensus.group_floor),
                "quorum": rules.consensus.quorum,
                "significance_min_sample": SIGNIFICANCE_MIN_SAMPLE,
                # 2: passes count in agreement, "no clear opinion", groups as offered
                # (docs/consensus.md). Records without it used the first definitions.
                "definitions": CONSENSUS_DEFINITIONS,
            },
            "rules_notes": [_rules_note(n) for n in rules.notes],
            "decision_rule": {
                "basis": rules.decision.basis,
                "basis_label": label("basis", rules.decision.basis),
                "threshold": _share(rules.decision.threshold),
                "threshold_exact": share_text(rules.decision.threshold),
                "members": rules.decision.members,
                "quorum_share": _share(rules.decision.quorum_share),
                "quorum_share_exact": share_text(rules.decision.quorum_share),
            },
        },
        "proposals": [
            {
                "proposal_id": r.proposal_id,
                "rank": r.rank,
                "title": r.title,
                "description": r.description,
                "supporters": r.supporters,
                "support_share": round(r.support_share, 4),
                "dots": r.dots,
                "agree": r.agree,
                "disagree": r.disagree,
                "passes": r.passes,
                "yes": r.yes,
                "no": r.no,
                "abstain": r.abstain,
                "passed": r.passed,
                **_consensus(verdicts[r.proposal_id]),
                "by_source": {src: r.by_source.get(src, 0) for src in SOURCES},
                "under_represented_groups": missing,
            }
            for r in rows
        ],
        "representativeness": represented,
        "vote_sources": voters_by_source(db=db, workshop=workshop),
        # record_hash is filled in when the version is finalised (workshop.audit).
        "audit": {"vote_chain_head": vote_chain_head(db, workshop.id), "record_hash": None},
        "satisfaction": satisfaction_summary(db=db, workshop=workshop)
        | {"comments": satisfaction_comments(db=db, workshop=workshop)},
        "meeting": {"place": workshop.place},
        "findings": "",
        "recommendations": "",
        "goals": [],
        "reviews": [],
        "followup": [],
    }


def spatial_findings(db: Session, workshop: Workshop) -> dict | None:
    """Return the metric analysis of the workshop's assets, or None without that package.

    workshop.analysis arrives from another branch; importing it lazily keeps records
    working (and the section hidden) until it is merged.
    """
    try:
        analysis = importlib.import_module("workshop.analysis.service")
    except ImportError:
        return None
    try:
        return analysis.analyse(db, workshop).as_dict()
    except Exception:
        # Closing a meeting must not fail because an analysis did: the record is written
        # without the section, and "重新统计" can add it once the cause is fixed.
        log.exception("spatial analysis failed for workshop %s", workshop.id)
        return None


def facilitator_dict(planner: Any, *, lead: bool) -> dict:
    return {
        "name": planner.name,
        "discipline": planner.discipline,
        "discipline_label": label("discipline", planner.discipline),
        "title": planner.title,
        "title_label": label("title", planner.title),
        "organisation": planner.organisation,
        "lead": lead,
    }


def _minutes(workshop: Workshop) -> int | None:
    if workshop.opened_at is None or workshop.closed_at is None:
        return None
    return round((workshop.closed_at - workshop.opened_at).total_seconds() / 60)


def _by_subtype(assets: list) -> list[dict]:
    """Count assets by (class, subtype); assets without a subtype count under ""."""
    counts = Counter((a.asset_class, getattr(a, "subtype", None) or "") for a in assets)
    order = list(ASSET_CLASSES)
    return [
        {
            "asset_class": cls,
            "label": label("asset_class", cls),
            "subtype": sub,
            "subtype_label": label("asset_subtype", sub) if sub else "",
            "count": n,
        }
        for (cls, sub), n in sorted(
            counts.items(),
            key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order else 99, kv[0][1]),
        )
    ]


def _asset_item(asset: Any) -> dict:
    geometry = asset.geometry
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][0], geometry["coordinates"][1]
    else:  # lines and areas: a point that lies on them, for the report's map
        point = shape(geometry).representative_point()
        lon, lat = point.x, point.y
    item = {
        "name": asset.name,
        "class": asset.asset_class,
        "label": label("asset_class", asset.asset_class),
        "subtype": getattr(asset, "subtype", None) or "",
        "geometry_type": geometry.get("type"),
        "lon": lon,
        "lat": lat,
        "description": asset.description,
    }
    if geometry.get("type") != "Point":  # the report's map draws lines and areas as shapes
        item["geometry"] = geometry
    return item


def _consensus(result: Assessment) -> dict:
    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return {
        "verdict": result.verdict.value,
        "verdict_label": label("verdict", result.verdict.value),
        "agreement": rounded(result.agreement),
        "consensus_polis": rounded(result.polis),
        "consensus_normalised": rounded(result.normalised),
        # None: fewer voters than the minimum sample (「样本太少」), nothing claimed.
        "significant": result.significant,
        "dissenting_groups": list(result.dissenting_groups),
        # Every offered group, then residents with no group as their own line.
        "groups": [
            {
                "group": g.group,
                "label": g.group if g.group != NO_GROUP else label("group", "none"),
                "no_group": g.group == NO_GROUP,
                "agree": g.agree,
                "disagree": g.disagree,
                "passes": g.passed,
            }
            for g in result.groups
        ],
    }


def _share(value: Fraction) -> float:
    return round(float(value), 4)


def _rules_note(note: dict) -> str:
    """A note stored with the rules (migration 0016) as the record prints it."""
    if note.get("key") != "threshold_restored":
        return str(note.get("text") or "")
    return t(
        "assessment.rules_migrated",
        at=str(note.get("at") or "")[:10],
        field=label("rules_field", str(note.get("field"))),
        old=note.get("from"),
        new=note.get("to"),
    )


def consensus_changes(previous: dict, fresh: dict) -> dict:
    """Say what a new draft's verdicts change against the last final version: whether
    the consensus definitions changed, and each proposal whose verdict differs."""
    old_rules = (previous.get("voting") or {}).get("rules") or {}
    before = {
        p.get("proposal_id"): p
        for p in previous.get("proposals") or []
        if isinstance(p, dict) and p.get("proposal_id") is not None
    }
    items = []
    for p in fresh.get("proposals") or []:
        old = before.get(p.get("proposal_id"))
        if old is not None and old.get("verdict") != p.get("verdict"):
            items.append(
                {
                    "title": p.get("title"),
                    "before": old.get("verdict_label") or old.get("verdict"),
                    "after": p.get("verdict_label"),
                }
            )
    return {
        "since_version": (previous.get("finalised") or {}).get("version"),
        "definitions_changed": old_rules.get("definitions") != CONSENSUS_DEFINITIONS,
        "items": items,
    }


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def create_record(*, db: Session, workshop: Workshop) -> AssessmentRecord:
    """Snapshot the workshop into a new draft version."""
    latest = db.scalar(
        select(func.max(AssessmentRecord.version)).where(
            AssessmentRecord.workshop_id == workshop.id
        )
    )
    record = AssessmentRecord(
        workshop_id=workshop.id,
        version=(latest or 0) + 1,
        content=build_content(db=db, workshop=workshop),
    )
    db.add(record)
    db.flush()
    return record


def on_workshop_closed(*, db: Session, workshop: Workshop) -> AssessmentRecord:
    """Write the first draft of the record; finalising it adds the service-log entry."""
    return create_record(db=db, workshop=workshop)


def latest_record(*, db: Session, workshop: Workshop) -> AssessmentRecord:
    stmt = select(AssessmentRecord).where(AssessmentRecord.workshop_id == workshop.id)
    record = db.scalar(stmt.order_by(AssessmentRecord.version.desc()).limit(1))
    if record is None:
        raise NotFound("assessment.not_found")
    return record
