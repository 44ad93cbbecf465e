"""Moved to workshop.voting.consensus (issue 20). Kept so that imports of the old place still
work."""

from workshop.voting.consensus import *  # noqa: F403
