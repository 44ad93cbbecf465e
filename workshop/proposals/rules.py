"""Moved to workshop.voting.rules (issue 20). Kept so that imports of the old place still
work."""

from workshop.voting.rules import *  # noqa: F403
