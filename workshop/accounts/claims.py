"""Claiming an account a bundle brought in (issue 15).

An imported bundle's unknown planner is a disabled placeholder (workshop.bundle.planners)
with an invitation of kind "account". A city administrator, or the planner who imported
the workshop, makes a one-time claim link for it: the token is shown once, the invitation
keeps its SHA-256 and an expiry; a new link replaces the old one. Whoever opens the link
sets a password (and a display name) and the account works from then on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from workshop.accounts.models import Invitation, Planner
from workshop.accounts.service import PASSWORD_MIN, _hasher
from workshop.accounts.sessions import token_hash
from workshop.db import utcnow
from workshop.errors import DomainError, Invalid, NotFound
from workshop.text import clean_line
from workshop.workshops.models import Workshop

CLAIM_DAYS = 14
PLACEHOLDER_HASH = "!invited"  # workshop.bundle.planners: never verifies


class ClaimGone(DomainError):
    """The link was used already or has expired (410: it will never work again)."""

    status_code = 410


@dataclass(frozen=True)
class Placeholder:
    """An unclaimed imported account, the username the bundle gave, and its link's state."""

    account: Planner
    invitation: Invitation
    workshop_title: str

    @property
    def link_expires_at(self) -> datetime | None:
        return self.invitation.expires_at if self.invitation.token_hash else None


def is_placeholder(planner: Planner) -> bool:
    return planner.password_hash == PLACEHOLDER_HASH and planner.disabled_at is not None


def _invitation_of(db: Session, planner: Planner) -> Invitation | None:
    stmt = (
        select(Invitation)
        .where(
            Invitation.planner_id == planner.id,
            Invitation.kind == "account",
            Invitation.accepted_at.is_(None),
        )
        .order_by(Invitation.id.desc())
    )
    return db.scalars(stmt.limit(1)).first()


def open_placeholders(db: Session, *, importer: Planner | None = None) -> list[Placeholder]:
    """Unclaimed placeholders: all of them (city administrator), or those named by the
    workshops `importer` imported (their Invitation.workshop_id is one of theirs)."""
    stmt = (
        select(Planner, Invitation, Workshop.title)
        .join(Invitation, Invitation.planner_id == Planner.id)
        .outerjoin(Workshop, Workshop.id == Invitation.workshop_id)
        .where(
            Invitation.kind == "account",
            Invitation.accepted_at.is_(None),
            Planner.password_hash == PLACEHOLDER_HASH,
            Planner.disabled_at.is_not(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    if importer is not None:
        stmt = stmt.where(Workshop.planner_id == importer.id)
    seen: set[int] = set()
    found = []
    for account, invitation, title in db.execute(stmt).all():
        if account.id not in seen:
            seen.add(account.id)
            found.append(Placeholder(account, invitation, title or ""))
    return found


def may_issue(db: Session, actor: Planner, placeholder: Planner) -> bool:
    """A city administrator, or the planner whose imported workshop named the placeholder."""
    if actor.role == "city_admin":
        return True
    if actor.role != "planner":
        return False
    theirs = (
        select(Invitation.id)
        .join(Workshop, Workshop.id == Invitation.workshop_id)
        .where(
            Invitation.planner_id == placeholder.id,
            Invitation.kind == "account",
            Workshop.planner_id == actor.id,
        )
    )
    return bool(db.scalar(select(exists(theirs))))


def issue_link(
    *, db: Session, by: Planner, account_id: int, now: datetime | None = None
) -> tuple[str, Invitation]:
    """A fresh claim token for the placeholder (to show once) and its invitation."""
    placeholder = db.get(Planner, account_id)
    if placeholder is None or not is_placeholder(placeholder) or not may_issue(db, by, placeholder):
        raise NotFound("error.not_found")
    invitation = _invitation_of(db, placeholder)
    if invitation is None:  # a placeholder made before invitations were kept
        invitation = Invitation(kind="account", planner_id=placeholder.id)
        db.add(invitation)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.expires_at = (now or utcnow()) + timedelta(days=CLAIM_DAYS)
    invitation.created_by = by.id
    db.flush()
    from workshop.city.service import log

    log(db, by, "account.claim_link", account=placeholder.id, invitation=invitation.id)
    return token, invitation


def claimable(db: Session, token: str, now: datetime | None = None) -> tuple[Invitation, Planner]:
    """The invitation and placeholder a claim token opens, or why it does not."""
    invitation = None
    if 0 < len(token) <= 200:
        invitation = db.scalar(
            select(Invitation).where(
                Invitation.token_hash == token_hash(token), Invitation.kind == "account"
            )
        )
    planner = db.get(Planner, invitation.planner_id) if invitation else None
    if invitation is None or planner is None:
        raise NotFound("claim.unknown")
    if invitation.accepted_at is not None or not is_placeholder(planner):
        raise ClaimGone("claim.used")
    if invitation.expires_at is None or invitation.expires_at <= (now or utcnow()):
        raise ClaimGone("claim.expired")
    return invitation, planner


def claim(*, db: Session, token: str, name: str, password: str, password_again: str) -> Planner:
    """Set the placeholder's password and name; it may log in from now on."""
    invitation, planner = claimable(db, token)
    display = clean_line(name)
    if not display or len(display) > 64:
        raise Invalid("register.name_required")
    if password != password_again:
        raise Invalid("password.mismatch")
    if len(password) < PASSWORD_MIN:
        raise Invalid("planner.password_short", limit=PASSWORD_MIN)
    planner.password_hash = _hasher.hash(password)
    planner.name = display
    planner.disabled_at = None
    invitation.accepted_at = utcnow()
    db.flush()
    from workshop.city.service import log

    log(db, planner, "account.claim", account=planner.id, invitation=invitation.id)
    return planner
