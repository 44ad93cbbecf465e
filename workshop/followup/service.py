"""Follow-up of adopted proposals: statuses, dated notes, and the community's overview.

adopted → designing → approved → building → done, one step at a time; any step before
done may be shelved, with a reason. done and shelved are final; notes may still be added.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.communities.models import Community
from workshop.db import utcnow
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.followup.models import FollowUp, FollowUpNote
from workshop.i18n import label
from workshop.proposals.models import Proposal
from workshop.text import clean_text
from workshop.workshops.models import Workshop

STEPS = ("adopted", "designing", "approved", "building", "done")
STATUSES = (*STEPS, "shelved")
FINAL = ("done", "shelved")
NOTE_MAX = 500


def allowed_next(status: str) -> tuple[str, ...]:
    """Return the statuses a follow-up in `status` may move to (not counting itself)."""
    if status in FINAL:
        return ()
    i = STEPS.index(status)
    return (STEPS[i + 1], "shelved")


def adopt(
    *, db: Session, workshop: Workshop, planner: Planner, proposal_id: int, on: date | None = None
) -> FollowUp:
    """Mark a proposal of a closed workshop as adopted and start following it up."""
    if workshop.planner_id != planner.id:
        raise Forbidden("assessment.lead_only")
    proposal = db.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop.id:
        raise NotFound("proposal.not_found")
    if workshop.stage != "closed":
        raise Conflict("followup.not_closed")
    if db.scalar(select(FollowUp.id).where(FollowUp.proposal_id == proposal.id)) is not None:
        raise Conflict("followup.already_adopted")
    follow_up = FollowUp(
        community_id=workshop.community_id,
        workshop_id=workshop.id,
        proposal_id=proposal.id,
        title=proposal.title,
        status="adopted",
    )
    try:
        with db.begin_nested():
            db.add(follow_up)
    except IntegrityError:  # adopted by a concurrent request
        raise Conflict("followup.already_adopted") from None
    db.add(
        FollowUpNote(
            follow_up_id=follow_up.id,
            planner_id=planner.id,
            on=on or workshop.date,
            status="adopted",
            note="",
        )
    )
    db.flush()
    return follow_up


def update(
    *, db: Session, follow_up: FollowUp, planner: Planner, status: str, note: str, on: date
) -> FollowUpNote:
    """Move to `status` (or stay, to add a progress note) with a dated note."""
    note = clean_text(note)
    if status not in STATUSES:
        raise Invalid("followup.unknown_status")
    if len(note) > NOTE_MAX:
        raise Invalid("field.too_long", limit=NOTE_MAX)
    if status != follow_up.status and status not in allowed_next(follow_up.status):
        raise Invalid(
            "followup.bad_transition",
            current=label("followup_status", follow_up.status),
            target=label("followup_status", status),
        )
    if status == "shelved" and not note:
        raise Invalid("followup.reason_required")
    if status == follow_up.status and not note:
        raise Invalid("followup.note_required")
    workshop = db.get(Workshop, follow_up.workshop_id)
    if workshop is not None and on < workshop.date:
        raise Invalid("followup.date_before_workshop", date=workshop.date.isoformat())
    if on > date.today() + timedelta(days=1):
        raise Invalid("followup.date_in_future")
    follow_up.status = status
    follow_up.updated_at = utcnow()
    entry = FollowUpNote(
        follow_up_id=follow_up.id, planner_id=planner.id, on=on, status=status, note=note
    )
    db.add(entry)
    db.flush()
    return entry


def follow_up_by_id(*, db: Session, follow_up_id: int) -> FollowUp:
    follow_up = db.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("followup.not_found")
    return follow_up


def adopted_ids(*, db: Session, workshop: Workshop) -> set[int]:
    stmt = select(FollowUp.proposal_id).where(FollowUp.workshop_id == workshop.id)
    return set(db.scalars(stmt))


def notes_of(*, db: Session, ids: list[int]) -> dict[int, list[FollowUpNote]]:
    notes: dict[int, list[FollowUpNote]] = {i: [] for i in ids}
    if ids:
        stmt = select(FollowUpNote).where(FollowUpNote.follow_up_id.in_(ids))
        for n in db.scalars(stmt.order_by(FollowUpNote.on, FollowUpNote.id)):
            notes[n.follow_up_id].append(n)
    return notes


def community_decisions(
    *, db: Session, community: Community, workshop_ids: list[int] | None = None
) -> list[dict]:
    """Return the adopted decisions of the community (of `workshop_ids` only, when given),
    newest workshop first, with notes."""
    stmt = (
        select(FollowUp, Workshop)
        .join(Workshop, Workshop.id == FollowUp.workshop_id)
        .where(FollowUp.community_id == community.id)
        .order_by(Workshop.date.desc(), Workshop.id.desc(), FollowUp.id)
    )
    if workshop_ids is not None:
        stmt = stmt.where(Workshop.id.in_(workshop_ids or [-1]))
    rows = db.execute(stmt).all()
    notes = notes_of(db=db, ids=[f.id for f, _ in rows])
    return [_decision(f, w, notes[f.id]) for f, w in rows]


def community_followup(*, db: Session, workshop: Workshop) -> list[dict]:
    """Return the decisions of the community's earlier workshops, for a later record."""
    stmt = (
        select(FollowUp, Workshop)
        .join(Workshop, Workshop.id == FollowUp.workshop_id)
        .where(
            FollowUp.community_id == workshop.community_id,
            Workshop.id != workshop.id,
            Workshop.date <= workshop.date,
        )
        .order_by(Workshop.date, Workshop.id, FollowUp.id)
    )
    rows = db.execute(stmt).all()
    notes = notes_of(db=db, ids=[f.id for f, _ in rows])
    return [_decision(f, w, notes[f.id]) for f, w in rows]


def _decision(follow_up: FollowUp, workshop: Workshop, notes: list[FollowUpNote]) -> dict:
    last = notes[-1] if notes else None
    return {
        "id": follow_up.id,
        "title": follow_up.title,
        "workshop_id": workshop.id,
        "workshop_title": workshop.title,
        "workshop_date": workshop.date.isoformat(),
        "status": follow_up.status,
        "status_label": label("followup_status", follow_up.status),
        "step": STEPS.index(follow_up.status) + 1 if follow_up.status in STEPS else None,
        "steps": len(STEPS),
        "last_date": last.on.isoformat() if last else None,
        "last_note": last.note if last else "",
        "notes": [
            {
                "on": n.on.isoformat(),
                "status": n.status,
                "status_label": label("followup_status", n.status),
                "note": n.note,
            }
            for n in notes
        ],
    }
