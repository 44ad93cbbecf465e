"""Proposals (提案): submitting, withdrawing, and the facilitator's moderation.

Every change to a proposal after it is submitted writes a ModerationEvent with who did
it, when, and the changed fields before and after.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop import geo
from workshop.accounts.models import Planner
from workshop.assets.models import Asset
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.live.broker import announce
from workshop.proposals.models import ModerationEvent, Proposal, ProposalAsset
from workshop.text import clean_line, clean_text
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.service import require_stage

TITLE_MAX = 80
DESCRIPTION_MAX = 1000
ASSET_LINKS_MAX = 10


def _clean_text(title: str, description: str) -> tuple[str, str]:
    title, description = clean_line(title), clean_text(description)
    if not title:
        raise Invalid("proposal.title_required")
    if len(title) > TITLE_MAX:
        raise Invalid("field.too_long", limit=TITLE_MAX)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid("field.too_long", limit=DESCRIPTION_MAX)
    return title, description


def submit_proposal(
    *,
    db: Session,
    workshop: Workshop,
    participant: Participant | None,
    title: str,
    description: str = "",
    lon: float | None = None,
    lat: float | None = None,
    asset_ids: list[int] | None = None,
) -> Proposal:
    """Save a proposal; a location (tapped on the map) must lie in the community."""
    require_stage(workshop, "proposals")
    title, description = _clean_text(title, description)
    location = None
    if lon is not None or lat is not None:
        point = geo.parse_point(lon, lat)
        geo.check_inside(point, geo.parse_boundary(workshop.community.boundary))
        location = geo.to_geojson(point)
    wanted = sorted(set(asset_ids or []))
    if len(wanted) > ASSET_LINKS_MAX:
        raise Invalid("proposal.too_many_assets", limit=ASSET_LINKS_MAX)
    if wanted:
        stmt = select(Asset.id).where(Asset.workshop_id == workshop.id, Asset.id.in_(wanted))
        if sorted(db.scalars(stmt)) != wanted:
            raise Invalid("proposal.unknown_asset")
    proposal = Proposal(
        workshop_id=workshop.id,
        participant_id=participant.id if participant else None,
        title=title,
        description=description,
        location=location,
    )
    db.add(proposal)
    db.flush()
    db.add_all(ProposalAsset(proposal_id=proposal.id, asset_id=a) for a in wanted)
    db.flush()
    announce(db, workshop.id, "proposals")
    return proposal


def proposal_of(*, db: Session, workshop: Workshop, proposal_id: int) -> Proposal:
    proposal = db.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop.id:
        raise NotFound("proposal.not_found")
    return proposal


def open_proposals(*, db: Session, workshop: Workshop) -> list[Proposal]:
    stmt = select(Proposal).where(Proposal.workshop_id == workshop.id, Proposal.status == "open")
    return list(db.scalars(stmt.order_by(Proposal.id)))


def all_proposals(*, db: Session, workshop: Workshop) -> list[Proposal]:
    stmt = select(Proposal).where(Proposal.workshop_id == workshop.id)
    return list(db.scalars(stmt.order_by(Proposal.id)))


def linked_assets(*, db: Session, proposal_ids: list[int]) -> dict[int, list[Asset]]:
    """Return the assets each proposal links to, by proposal id."""
    if not proposal_ids:
        return {}
    rows = db.execute(
        select(ProposalAsset.proposal_id, Asset)
        .join(Asset, Asset.id == ProposalAsset.asset_id)
        .where(ProposalAsset.proposal_id.in_(proposal_ids))
        .order_by(Asset.id)
    ).all()
    links: dict[int, list[Asset]] = {}
    for pid, asset in rows:
        links.setdefault(pid, []).append(asset)
    return links


def _snapshot(p: Proposal) -> dict:
    return {
        "title": p.title,
        "description": p.description,
        "status": p.status,
        "merged_into_id": p.merged_into_id,
    }


def _record(
    db: Session,
    p: Proposal,
    action: str,
    before: dict,
    *,
    planner: Planner | None = None,
    participant: Participant | None = None,
) -> ModerationEvent:
    after = _snapshot(p)
    changed = {k for k in after if before.get(k) != after[k]}
    event = ModerationEvent(
        workshop_id=p.workshop_id,
        proposal_id=p.id,
        planner_id=planner.id if planner else None,
        participant_id=participant.id if participant else None,
        action=action,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    db.add(event)
    db.flush()
    announce(db, p.workshop_id, "proposals")
    announce(db, p.workshop_id, "tally")
    return event


def withdraw_proposal(
    *, db: Session, workshop: Workshop, participant: Participant, proposal_id: int
) -> Proposal:
    """The author takes back an open proposal; its votes stay stored but no longer count."""
    proposal = proposal_of(db=db, workshop=workshop, proposal_id=proposal_id)
    if proposal.participant_id != participant.id:
        raise Forbidden("proposal.not_author")
    if proposal.status != "open":
        raise Conflict("proposal.not_open")
    before = _snapshot(proposal)
    proposal.status = "withdrawn"
    _record(db, proposal, "withdraw", before, participant=participant)
    return proposal


def set_hidden(
    *, db: Session, workshop: Workshop, planner: Planner, proposal_id: int, hidden: bool
) -> Proposal:
    """Hide an open proposal (spam, personal data) or show a hidden one again."""
    proposal = proposal_of(db=db, workshop=workshop, proposal_id=proposal_id)
    if proposal.status != ("open" if hidden else "hidden"):
        raise Conflict("proposal.not_open" if hidden else "proposal.not_hidden")
    before = _snapshot(proposal)
    proposal.status = "hidden" if hidden else "open"
    _record(db, proposal, "hide" if hidden else "unhide", before, planner=planner)
    return proposal


def edit_proposal(
    *,
    db: Session,
    workshop: Workshop,
    planner: Planner,
    proposal_id: int,
    title: str,
    description: str,
) -> Proposal:
    """Correct typos; the history keeps the resident's original wording."""
    proposal = proposal_of(db=db, workshop=workshop, proposal_id=proposal_id)
    title, description = _clean_text(title, description)
    before = _snapshot(proposal)
    proposal.title, proposal.description = title, description
    if _snapshot(proposal) != before:
        _record(db, proposal, "edit", before, planner=planner)
    return proposal


def merge_proposals(
    *, db: Session, workshop: Workshop, planner: Planner, source_id: int, target_id: int
) -> Proposal:
    """Merge duplicate `source` into `target`; return the target.

    Votes are not moved: the tally folds the source's votes into the target per
    participant (once per person; dots capped by k), so a closed round stays frozen and
    the merge can be read back from the history.
    """
    source = proposal_of(db=db, workshop=workshop, proposal_id=source_id)
    target = proposal_of(db=db, workshop=workshop, proposal_id=target_id)
    if source.id == target.id:
        raise Invalid("proposal.merge_self")
    if target.status != "open":
        raise Conflict("proposal.merge_target_not_open")
    if source.status not in ("open", "hidden"):
        raise Conflict("proposal.not_open")
    before = _snapshot(source)
    source.status, source.merged_into_id = "merged", target.id
    # Keep chains flat: what was merged into the source now points at the target.
    for earlier in db.scalars(select(Proposal).where(Proposal.merged_into_id == source.id)):
        earlier.merged_into_id = target.id
    _record(db, source, "merge", before, planner=planner)
    return target


def history(*, db: Session, workshop: Workshop, limit: int = 200) -> list[ModerationEvent]:
    """Return the newest moderation events first."""
    stmt = select(ModerationEvent).where(ModerationEvent.workshop_id == workshop.id)
    return list(db.scalars(stmt.order_by(ModerationEvent.id.desc()).limit(limit)))
