"""Moved to workshop.voting.tally (issue 20). Kept so that imports of the old place still
work."""

from workshop.voting.tally import *  # noqa: F403
