"""Moved to workshop.audit.chain (issue 20). Kept so that imports of the old place still
work."""

from workshop.audit.chain import *  # noqa: F403
