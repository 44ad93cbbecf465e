"""Import every model so Alembic and create_all see the whole schema."""

from workshop.accounts.models import (
    Application,
    Invitation,
    LoginFailure,
    LoginSession,
    Organisation,
    Planner,
)
from workshop.assessments.models import AssessmentRecord, ProfessionalReview, WorkshopFacilitator
from workshop.assets.models import Asset
from workshop.ballots.models import BallotCard, Population
from workshop.bundle.models import RecordSignature, TrustedKey, WorkshopOrigin
from workshop.city.models import ActivityLog, Agreement, StreetOffice
from workshop.communities.models import Community
from workshop.db import Base
from workshop.followup.models import FollowUp, FollowUpNote
from workshop.inventory.models import CommunityAsset
from workshop.proposals.models import (
    ModerationEvent,
    Proposal,
    ProposalAsset,
    Vote,
    VoteChange,
    VotingRound,
    VotingRules,
)
from workshop.service_log.models import PointsRules, ServiceLogEntry
from workshop.workshops.models import Participant, SatisfactionResponse, Workshop

__all__ = [
    "ActivityLog",
    "Agreement",
    "Application",
    "Invitation",
    "LoginFailure",
    "LoginSession",
    "Organisation",
    "StreetOffice",
    "WorkshopOrigin",
    "TrustedKey",
    "RecordSignature",
    "AssessmentRecord",
    "Asset",
    "BallotCard",
    "Population",
    "Base",
    "Community",
    "CommunityAsset",
    "FollowUp",
    "FollowUpNote",
    "Participant",
    "ModerationEvent",
    "Planner",
    "PointsRules",
    "ProfessionalReview",
    "Proposal",
    "ProposalAsset",
    "SatisfactionResponse",
    "ServiceLogEntry",
    "Vote",
    "VoteChange",
    "VotingRound",
    "VotingRules",
    "Workshop",
    "WorkshopFacilitator",
]
