"""Planner accounts: argon2 password hashes (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Invitation, Organisation, Planner
from workshop.db import utcnow
from workshop.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound
from workshop.text import clean_line

DISCIPLINES = ("planner", "architect", "engineer")
TITLES = ("junior", "intermediate", "associate_senior", "senior")
PASSWORD_MIN = 8
_hasher = PasswordHasher()
# Verify against this when the user is unknown, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def create_planner(
    *,
    db: Session,
    username: str,
    password: str,
    name: str,
    discipline: str = "planner",
    title: str = "intermediate",
    organisation: str = "",
) -> Planner:
    username = username.strip().lower()
    if not username or len(username) > 64:
        raise Invalid("planner.username_invalid")
    if len(password) < PASSWORD_MIN:
        raise Invalid("planner.password_short", limit=PASSWORD_MIN)
    if discipline not in DISCIPLINES:
        raise Invalid("planner.unknown_discipline")
    if title not in TITLES:
        raise Invalid("planner.unknown_title")
    if db.scalar(select(Planner.id).where(Planner.username == username)) is not None:
        raise Conflict("planner.username_taken")
    planner = Planner(
        username=username,
        password_hash=_hasher.hash(password),
        name=clean_line(name) or username,
        discipline=discipline,
        title=title,
        organisation="",
    )
    db.add(planner)
    db.flush()
    organisation = clean_line(organisation)
    if organisation:
        # The operator (CLI, demo) places the planner: join the organisation, or found it.
        org = organisation_named(db, organisation) or found_organisation(
            db=db, planner=planner, name=organisation
        )
        _join(planner, org)
        db.flush()
    return planner


def organisation_named(db: Session, name: str) -> Organisation | None:
    return db.scalar(select(Organisation).where(Organisation.name == name.strip()))


def _join(planner: Planner, org: Organisation | None) -> None:
    planner.organisation_id = org.id if org else None
    planner.organisation = org.name if org else ""


def found_organisation(*, db: Session, planner: Planner, name: str) -> Organisation:
    """Make a new organisation record with the planner as its administrator and member."""
    name = name.strip()
    if not name or len(name) > 128:
        raise Invalid("field.too_long", limit=128)
    if organisation_named(db, name) is not None:
        raise Conflict("organisation.invitation_needed", name=name)
    org = Organisation(name=name, admin_id=planner.id)
    db.add(org)
    db.flush()
    _join(planner, org)
    log_activity(db, planner, "organisation.found", organisation_id=org.id, name=name)
    return org


def is_org_admin(db: Session, planner: Planner) -> Organisation | None:
    """The planner's organisation when they are its administrator, else None."""
    if planner.organisation_id is None:
        return None
    org = db.get(Organisation, planner.organisation_id)
    return org if org is not None and org.admin_id == planner.id else None


def invite_to_organisation(*, db: Session, admin: Planner, username: str) -> Invitation:
    """The organisation's administrator invites a planner by username."""
    org = is_org_admin(db, admin)
    if org is None:
        raise Forbidden("organisation.admin_only")
    other = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    if other is None or other.role != "planner":
        raise NotFound("facilitator.unknown", username=username.strip()[:64])
    if other.organisation_id == org.id:
        raise Conflict("organisation.already_member")
    invitation = Invitation(
        kind="organisation", planner_id=other.id, organisation_id=org.id, created_by=admin.id
    )
    db.add(invitation)
    db.flush()
    log_activity(db, admin, "organisation.invite", organisation_id=org.id, planner=other.id)
    return invitation


def open_invitations(*, db: Session, planner: Planner) -> list[tuple[Invitation, Organisation]]:
    stmt = (
        select(Invitation, Organisation)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .where(
            Invitation.planner_id == planner.id,
            Invitation.kind == "organisation",
            Invitation.accepted_at.is_(None),
        )
    )
    return [(i, o) for i, o in db.execute(stmt).all()]


def accept_invitation(*, db: Session, planner: Planner, invitation_id: int) -> Organisation:
    invitation = db.get(Invitation, invitation_id)
    if (
        invitation is None
        or invitation.planner_id != planner.id
        or invitation.kind != "organisation"
        or invitation.accepted_at is not None
    ):
        raise NotFound("organisation.invitation_unknown")
    org = db.get(Organisation, invitation.organisation_id)
    invitation.accepted_at = utcnow()
    _join(planner, org)
    db.flush()
    log_activity(db, planner, "organisation.join", organisation_id=invitation.organisation_id)
    assert org is not None
    return org


def authenticate(*, db: Session, username: str, password: str) -> Planner:
    planner = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    try:
        _hasher.verify(planner.password_hash if planner else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise NotAuthenticated("login.failed") from None
    if planner is None:
        raise NotAuthenticated("login.failed")
    if planner.disabled_at is not None:
        # Only someone who typed the right password learns that an application waits
        # (or was rejected): the page reveals no more about usernames than before.
        from workshop.accounts.registration import refusal_key

        key, params = refusal_key(db, planner)
        raise NotAuthenticated(key, **params)
    if _hasher.check_needs_rehash(planner.password_hash):
        planner.password_hash = _hasher.hash(password)
    return planner


def update_profile(
    *, db: Session, planner: Planner, discipline: str, title: str, organisation: str | None = None
) -> Planner:
    """Change the planner's discipline and professional title (points use them).

    `organisation`, when given and different, founds a *new* organisation with the planner
    as its administrator; an existing one is joined only by its administrator's invitation
    (typing its name is refused), and "" leaves the current one."""
    if discipline not in DISCIPLINES:
        raise Invalid("planner.unknown_discipline")
    if title not in TITLES:
        raise Invalid("planner.unknown_title")
    name = clean_line(organisation or "")
    if organisation is not None and name != planner.organisation:
        if len(name) > 128:
            raise Invalid("field.too_long", limit=128)
        if name and organisation_named(db, name) is not None:
            raise Conflict("organisation.invitation_needed", name=name)
        if name:
            found_organisation(db=db, planner=planner, name=name)
        else:
            _join(planner, None)
    planner.discipline, planner.title = discipline, title
    db.flush()
    return planner


def set_password(*, db: Session, username: str, password: str) -> Planner:
    """Give a planner a new password (`workshop set-password`, the operator at the server).

    An imported planner is a disabled placeholder with no password (workshop.bundle.
    planners); the operator giving it a password is what turns it into a working account.
    An account an administrator disabled stays disabled."""
    planner = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    if planner is None:
        raise Invalid("planner.not_found")
    if len(password) < PASSWORD_MIN:
        raise Invalid("planner.password_short", limit=PASSWORD_MIN)
    if planner.password_hash == "!invited":
        planner.disabled_at = None
    planner.password_hash = _hasher.hash(password)
    db.flush()
    return planner


def log_activity(db: Session, actor: Planner, action: str, **kwargs: object) -> None:
    from workshop.city.service import log

    log(db, actor, action, **kwargs)  # type: ignore[arg-type]


def change_password(*, db: Session, planner: Planner, current: str, new: str) -> None:
    """Set a new password after checking the current one (the caller ends the sessions)."""
    try:
        _hasher.verify(planner.password_hash, current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise Invalid("password.current_wrong") from None
    if len(new) < PASSWORD_MIN:
        raise Invalid("planner.password_short", limit=PASSWORD_MIN)
    planner.password_hash = _hasher.hash(new)
    db.flush()
