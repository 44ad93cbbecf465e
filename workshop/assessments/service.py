"""Assessment records (规划评估记录): the structured result of a closed workshop."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.assessments.models import AssessmentRecord
from workshop.assets.service import ASSET_CLASSES, assets_of, counts_by_class
from workshop.db import utcnow
from workshop.errors import NotFound
from workshop.i18n import label
from workshop.proposals.consensus import Assessment
from workshop.proposals.service import DEFAULT_RULES, consensus_by_proposal, tally
from workshop.workshops.models import Workshop
from workshop.workshops.service import participants_by_group, satisfaction_summary


def build_content(*, db: Session, workshop: Workshop) -> dict:
    """Return the record's content: plain JSON data, the single source for every report."""
    community, planner = workshop.community, workshop.planner
    counts = counts_by_class(db=db, workshop=workshop)
    assets = assets_of(db=db, workshop=workshop)
    rows, voters = tally(db=db, workshop=workshop)
    verdicts = consensus_by_proposal(db=db, workshop=workshop)
    groups = participants_by_group(db=db, workshop=workshop)
    return {
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "community": {
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
        },
        "facilitators": [
            {
                "name": planner.name,
                "discipline": planner.discipline,
                "discipline_label": label("discipline", planner.discipline),
                "title_label": label("title", planner.title),
                "organisation": planner.organisation,
            }
        ],
        "participation": {
            "total": sum(n for _, n in groups),
            "by_group": [{"group": g or label("group", "none"), "count": n} for g, n in groups],
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
            "items": [
                {
                    "name": a.name,
                    "class": a.asset_class,
                    "label": label("asset_class", a.asset_class),
                    "lon": a.geometry["coordinates"][0],
                    "lat": a.geometry["coordinates"][1],
                    "description": a.description,
                }
                for a in assets
            ],
        },
        "boundary": community.boundary,
        "voting": {
            "method": "approval",
            "method_label": label("method", "approval"),
            "voters": voters,
            "rules": {
                "agreement_threshold": round(DEFAULT_RULES.agreement_threshold, 4),
                "group_min_voters": DEFAULT_RULES.group_min_voters,
                "group_floor": DEFAULT_RULES.group_floor,
                "quorum": DEFAULT_RULES.quorum,
            },
        },
        "proposals": [
            {
                "rank": r.rank,
                "title": r.title,
                "description": r.description,
                "supporters": r.supporters,
                "support_share": round(r.support_share, 4),
                **_consensus(verdicts[r.proposal_id]),
            }
            for r in rows
        ],
        "satisfaction": satisfaction_summary(db=db, workshop=workshop),
    }


def _consensus(result: Assessment) -> dict:
    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return {
        "verdict": result.verdict.value,
        "verdict_label": label("verdict", result.verdict.value),
        "agreement": rounded(result.agreement),
        "consensus_polis": rounded(result.polis),
        "consensus_normalised": rounded(result.normalised),
        "significant": result.significant,
        "dissenting_groups": list(result.dissenting_groups),
    }


def _iso(value) -> str | None:  # type: ignore[no-untyped-def]
    return value.isoformat(timespec="seconds") if value else None


def create_record(*, db: Session, workshop: Workshop) -> AssessmentRecord:
    """Snapshot the workshop into a new record version."""
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


def latest_record(*, db: Session, workshop: Workshop) -> AssessmentRecord:
    stmt = select(AssessmentRecord).where(AssessmentRecord.workshop_id == workshop.id)
    record = db.scalar(stmt.order_by(AssessmentRecord.version.desc()).limit(1))
    if record is None:
        raise NotFound("assessment.not_found")
    return record
