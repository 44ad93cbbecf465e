"""Moved to workshop.voting.rounds (issue 20). Kept so that imports of the old place still
work."""

from workshop.voting.rounds import *  # noqa: F403
