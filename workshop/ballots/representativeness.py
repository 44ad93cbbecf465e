"""Moved to workshop.workshops.representativeness (issue 20: who was in the room is about
a workshop's participants, not ballot cards). Kept so that imports of the old place still
work."""

from workshop.workshops.representativeness import *  # noqa: F403
