"""The four asset classes (生态/文化/社会/人力) and the subtypes a community offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from workshop.communities.models import Community
from workshop.errors import Invalid
from workshop.i18n import label


@dataclass(frozen=True)
class AssetClass:
    key: str
    colour: str
    icon: str  # Font Awesome 6 name, vendored


ASSET_CLASSES: dict[str, AssetClass] = {
    c.key: c
    for c in (
        AssetClass("ecological", "#2e7d32", "tree"),
        AssetClass("cultural", "#c62828", "landmark"),
        AssetClass("social", "#1565c0", "people-group"),
        AssetClass("human", "#ef6c00", "hands-helping"),
    )
}
# Subtypes offered when a community does not set its own (Community.asset_subtypes).
# Keys are labelled in the catalogs (`label.asset_subtype.<key>`).
DEFAULT_SUBTYPES: dict[str, tuple[str, ...]] = {
    "ecological": ("old_tree", "green_space", "trail", "water", "cliff"),
    "cultural": ("historic_building", "memory_place", "craft", "festival", "old_shop"),
    "social": ("organisation", "volunteer_team", "venue", "convenience_service"),
    "human": ("handicraft", "professional_skill", "time_and_care"),
}
NAME_MAX = 60
DESCRIPTION_MAX = 500
SUBTYPE_MAX = 32


class OffersSubtypes(Protocol):
    """A community, or what a pin loads of it (assets.service._Place)."""

    @property
    def asset_subtypes(self) -> dict | None: ...


def subtypes_for(community: OffersSubtypes) -> dict[str, list[str]]:
    """Return {class: [subtype, ...]} for a community: its own lists, else the defaults.

    A community's list replaces the default list of that class only; anything that is
    not a list of short strings is ignored (the defaults apply).
    """
    custom = community.asset_subtypes if isinstance(community.asset_subtypes, dict) else {}
    result: dict[str, list[str]] = {}
    for key, defaults in DEFAULT_SUBTYPES.items():
        own = custom.get(key)
        if isinstance(own, list) and own and all(isinstance(s, str) for s in own):
            result[key] = [s.strip()[:SUBTYPE_MAX] for s in own if s.strip()]
        else:
            result[key] = list(defaults)
    return result


SUBTYPES_PER_CLASS = 30


def set_subtypes(*, db: Session, community: Community, lines: dict[str, str]) -> dict:
    """Set the subtypes a community offers from one text per class (one subtype a line).

    A line that is the label of a default subtype of that class stores its key (so
    "古树" stays the labelled `old_tree`); other lines are kept as written. A class whose
    list equals the defaults, or is empty, uses the defaults (stored as absent).
    """
    custom: dict[str, list[str]] = {}
    for key, defaults in DEFAULT_SUBTYPES.items():
        by_label = {label("asset_subtype", d): d for d in defaults}
        items: list[str] = []
        for raw in (lines.get(key) or "").splitlines():
            text = raw.strip()
            if not text:
                continue
            if len(text) > SUBTYPE_MAX:
                raise Invalid("asset.subtype_too_long", limit=SUBTYPE_MAX)
            value = by_label.get(text, text)
            if value not in items:
                items.append(value)
        if len(items) > SUBTYPES_PER_CLASS:
            raise Invalid("asset.too_many_subtypes", limit=SUBTYPES_PER_CLASS)
        if items and items != list(defaults):
            custom[key] = items
    community.asset_subtypes = custom or None
    db.flush()
    return subtypes_for(community)
