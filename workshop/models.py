"""Import every model so Alembic and create_all see the whole schema."""

from workshop.accounts.models import Planner
from workshop.assessments.models import AssessmentRecord
from workshop.assets.models import Asset
from workshop.communities.models import Community
from workshop.db import Base
from workshop.proposals.models import (
    ModerationEvent,
    Proposal,
    ProposalAsset,
    Vote,
    VoteChange,
    VotingRound,
    VotingRules,
)
from workshop.service_log.models import ServiceLogEntry
from workshop.workshops.models import Participant, SatisfactionResponse, Workshop

__all__ = [
    "AssessmentRecord",
    "Asset",
    "Base",
    "Community",
    "Participant",
    "ModerationEvent",
    "Planner",
    "Proposal",
    "ProposalAsset",
    "SatisfactionResponse",
    "ServiceLogEntry",
    "Vote",
    "VoteChange",
    "VotingRound",
    "VotingRules",
    "Workshop",
]
