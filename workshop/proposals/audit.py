"""Moved to workshop.audit (issue 20): what is hashed in `workshop.audit.payloads`, the
checks in `workshop.audit.checks`. Kept so that imports of the old place still work."""

from workshop.audit.checks import *  # noqa: F403
from workshop.audit.payloads import *  # noqa: F403
