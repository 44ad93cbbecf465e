"""Moved to workshop.voting.casting (issue 20). Kept so that imports of the old place still
work."""

from workshop.voting.casting import *  # noqa: F403
