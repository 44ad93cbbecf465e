"""Three-discipline review (三师会商): co-facilitators and their professional reviews.

Each facilitating planner reviews the leading proposals from their discipline; the record
shows the residents' verdict beside the professional review and says in words where the
two disagree (`compare`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments.models import ProfessionalReview, WorkshopFacilitator
from workshop.db import utcnow
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.i18n import label, t
from workshop.live.broker import announce
from workshop.proposals.models import Proposal
from workshop.workshops.models import Workshop

FEASIBILITY = ("feasible", "conditional", "not_feasible")
COST_BANDS = ("under_10k", "10k_100k", "100k_1m", "over_1m")
PRIORITIES = ("high", "medium", "low")
LEADING = 5  # how many of the top-ranked proposals each discipline reviews
COMMENT_MAX = 500


def facilitators(*, db: Session, workshop: Workshop) -> list[Planner]:
    """Return the lead planner, then the co-facilitators in the order they were added."""
    stmt = (
        select(Planner)
        .join(WorkshopFacilitator, WorkshopFacilitator.planner_id == Planner.id)
        .where(WorkshopFacilitator.workshop_id == workshop.id)
        .order_by(WorkshopFacilitator.id)
    )
    return [workshop.planner, *db.scalars(stmt)]


def facilitator_dicts(*, db: Session, workshop: Workshop) -> list[dict]:
    from workshop.assessments.service import facilitator_dict

    people = facilitators(db=db, workshop=workshop)
    return [facilitator_dict(p, lead=i == 0) for i, p in enumerate(people)]


def is_facilitator(*, db: Session, workshop: Workshop, planner: Planner) -> bool:
    if workshop.planner_id == planner.id:
        return True
    stmt = select(WorkshopFacilitator.id).where(
        WorkshopFacilitator.workshop_id == workshop.id,
        WorkshopFacilitator.planner_id == planner.id,
    )
    return db.scalar(stmt) is not None


def require_lead(workshop: Workshop, planner: Planner) -> None:
    if workshop.planner_id != planner.id:
        raise Forbidden("assessment.lead_only")


def add_facilitator(
    *, db: Session, workshop: Workshop, by: Planner, username: str
) -> WorkshopFacilitator:
    """Add a co-facilitator by username (only the lead planner may)."""
    require_lead(workshop, by)
    other = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    if other is None:
        raise NotFound("facilitator.unknown", username=username.strip()[:64])
    if is_facilitator(db=db, workshop=workshop, planner=other):
        raise Conflict("facilitator.already")
    link = WorkshopFacilitator(workshop_id=workshop.id, planner_id=other.id)
    db.add(link)
    db.flush()
    announce(db, workshop.id, "records")
    return link


def save_review(
    *,
    db: Session,
    workshop: Workshop,
    planner: Planner,
    proposal_id: int,
    feasibility: str,
    cost_band: str,
    priority: str,
    comment: str = "",
) -> ProfessionalReview:
    """Add or replace this facilitator's review of one proposal of the workshop."""
    if not is_facilitator(db=db, workshop=workshop, planner=planner):
        raise NotFound("workshop.not_found")
    proposal = db.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop.id:
        raise NotFound("proposal.not_found")
    if feasibility not in FEASIBILITY:
        raise Invalid("review.feasibility_required")
    if cost_band not in COST_BANDS:
        raise Invalid("review.cost_required")
    if priority not in PRIORITIES:
        raise Invalid("review.priority_required")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise Invalid("field.too_long", limit=COMMENT_MAX)
    if feasibility != "feasible" and not comment:
        raise Invalid("review.comment_required")
    review = db.scalar(
        select(ProfessionalReview).where(
            ProfessionalReview.workshop_id == workshop.id,
            ProfessionalReview.planner_id == planner.id,
            ProfessionalReview.proposal_id == proposal.id,
        )
    )
    if review is None:
        review = ProfessionalReview(
            workshop_id=workshop.id, planner_id=planner.id, proposal_id=proposal.id
        )
        db.add(review)
    review.discipline = planner.discipline
    review.feasibility, review.cost_band, review.priority = feasibility, cost_band, priority
    review.comment = comment
    review.updated_at = utcnow()
    db.flush()
    announce(db, workshop.id, "records")
    return review


def review_rows(*, db: Session, workshop: Workshop, proposals: Sequence[dict]) -> list[dict]:
    """Return the leading proposals (and any reviewed one) with both sides and a statement."""
    stmt = (
        select(ProfessionalReview, Planner)
        .join(Planner, Planner.id == ProfessionalReview.planner_id)
        .where(ProfessionalReview.workshop_id == workshop.id)
        .order_by(ProfessionalReview.id)
    )
    by_proposal: dict[int, list[dict]] = {}
    for review, planner in db.execute(stmt).all():
        by_proposal.setdefault(review.proposal_id, []).append(_review_dict(review, planner))
    rows = []
    for i, p in enumerate(proposals):
        reviews = by_proposal.get(p.get("proposal_id"), [])  # type: ignore[arg-type]
        if i >= LEADING and not reviews:
            continue
        statements, disagree = compare(p["verdict"], reviews)
        rows.append(
            {
                "proposal_id": p.get("proposal_id"),
                "rank": p["rank"],
                "title": p["title"],
                "support_share": p["support_share"],
                "verdict": p["verdict"],
                "verdict_label": p["verdict_label"],
                "reviews": reviews,
                "statements": statements,
                "disagreement": disagree,
            }
        )
    return rows


def _review_dict(review: ProfessionalReview, planner: Planner) -> dict:
    return {
        "planner_id": planner.id,
        "name": planner.name,
        "discipline": review.discipline,
        "discipline_label": label("discipline", review.discipline),
        "focus": label("discipline_focus", review.discipline),
        "feasibility": review.feasibility,
        "feasibility_label": label("feasibility", review.feasibility),
        "cost_band": review.cost_band,
        "cost_band_label": label("cost_band", review.cost_band),
        "priority": review.priority,
        "priority_label": label("priority", review.priority),
        "comment": review.comment,
    }


def compare(verdict: str, reviews: Sequence[dict]) -> tuple[list[str], bool]:
    """Return sentences comparing the residents' verdict with the reviews, and whether
    they disagree (residents against professionals, or professionals among themselves)."""
    if not reviews:
        return [t("review.none")], False

    def who(kind: str) -> str:
        names = [f"{r['discipline_label']}{r['name']}" for r in reviews if r["feasibility"] == kind]
        return "、".join(names)

    yes, cond, no = who("feasible"), who("conditional"), who("not_feasible")
    out: list[str] = []
    disagree = False
    if (yes or cond) and no:
        out.append(t("review.professionals_split", yes="、".join(filter(None, (yes, cond))), no=no))
        disagree = True
    if verdict == "consensus":
        if no:
            out.append(t("review.consensus_not_feasible", who=no))
            disagree = True
        if cond:
            out.append(t("review.consensus_conditional", who=cond))
        if yes and not no and not cond:
            out.append(t("review.agree_feasible", who=yes))
    elif verdict == "contested":
        if yes or cond:
            out.append(t("review.contested_feasible", who="、".join(filter(None, (yes, cond)))))
            disagree = True
        if no and not (yes or cond):
            out.append(t("review.contested_not_feasible", who=no))
    elif verdict == "no_clear_opinion":
        out.append(t("review.no_clear_opinion"))
    else:
        out.append(t("review.insufficient"))
    return out, disagree
