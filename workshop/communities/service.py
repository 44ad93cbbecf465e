"""Create and edit communities: who may edit, and an all-or-nothing save."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.city import service as city
from workshop.communities import importing
from workshop.communities.models import Community
from workshop.errors import Invalid, NotFound
from workshop.text import clean_line


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def all_communities(*, db: Session) -> list[Community]:
    """Every community, by name (the console's pickers)."""
    return list(db.scalars(select(Community).order_by(Community.name)))


def community_names(*, db: Session) -> dict[int, str]:
    """Community id → name, for lists that show many entries."""
    return {i: n for i, n in db.execute(select(Community.id, Community.name))}


def can_edit(*, db: Session, community: Community, planner: Planner) -> bool:
    """Its street office, the planners under an active agreement, its creator when it has
    no street office; on an open laptop community, whoever runs a workshop there."""
    return city.may_edit(db, planner, community)


def editable_community(*, db: Session, community_id: int, planner: Planner) -> Community:
    community = db.get(Community, community_id)
    if community is None or not can_edit(db=db, community=community, planner=planner):
        raise NotFound("community.not_editable")
    return community


def save_community(
    *,
    db: Session,
    planner: Planner,
    community: Community | None,
    name: str,
    district: str,
    street: str,
    drawn: str = "",
    boundary_file: Upload | None = None,
    layers_file: Upload | None = None,
    layers_kind: str | None = None,
    replace_layers: bool = False,
) -> Community:
    """Check everything first, then change the row: a refusal leaves it as it was."""
    name = clean_line(name)
    if not name:
        raise Invalid("community.name_required")
    boundary = None
    if boundary_file is not None:
        boundary = importing.boundary_from_upload(boundary_file.filename, boundary_file.data)
    elif drawn.strip():
        boundary = importing.boundary_from_drawn(drawn)
    if boundary is None and community is None:
        raise Invalid("community.boundary_required")
    layers = None
    if layers_file is not None:
        layers = importing.base_layers_from_upload(
            layers_file.filename, layers_file.data, layers_kind or None
        )
    created = community is None
    if community is None:
        community = Community(name=name, boundary=boundary, created_by=planner.id)
        db.add(community)
    before = _snapshot(community)
    community.name = name
    community.district = clean_line(district)
    community.street = clean_line(street)
    if boundary is not None:
        community.boundary = boundary
    if layers is not None:
        kept = [] if replace_layers else list((community.base_layers or {}).get("features", []))
        total = kept + layers["features"]
        if len(total) > importing.MAX_FEATURES:
            raise Invalid(
                "community.import.too_many_features", count=len(total), limit=importing.MAX_FEATURES
            )
        community.base_layers = {"type": "FeatureCollection", "features": total}
    db.flush()
    changed = sorted(k for k, v in _snapshot(community).items() if before.get(k) != v)
    if layers is not None:
        changed.append("base_layers")
    if created or changed:
        action = "community.create" if created else "community.edit"
        city.log(db, planner, action, community_id=community.id, fields=changed)
    return community


def _snapshot(community: Community) -> dict:
    """The fields whose change the activity log names (not the base layers: too big)."""
    return {
        "name": community.name,
        "district": community.district,
        "street": community.street,
        "boundary": community.boundary,
    }
