"""Planner accounts: argon2 password hashes (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.errors import Conflict, Invalid, NotAuthenticated
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
        organisation=clean_line(organisation),
    )
    db.add(planner)
    db.flush()
    return planner


def authenticate(*, db: Session, username: str, password: str) -> Planner:
    planner = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    try:
        _hasher.verify(planner.password_hash if planner else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise NotAuthenticated("login.failed") from None
    if planner is None:
        raise NotAuthenticated("login.failed")
    if _hasher.check_needs_rehash(planner.password_hash):
        planner.password_hash = _hasher.hash(password)
    return planner


def update_profile(
    *, db: Session, planner: Planner, discipline: str, title: str, organisation: str
) -> Planner:
    """Change the planner's discipline, professional title and organisation (points use them)."""
    if discipline not in DISCIPLINES:
        raise Invalid("planner.unknown_discipline")
    if title not in TITLES:
        raise Invalid("planner.unknown_title")
    organisation = clean_line(organisation)
    if len(organisation) > 128:
        raise Invalid("field.too_long", limit=128)
    planner.discipline, planner.title, planner.organisation = discipline, title, organisation
    db.flush()
    return planner


def set_password(*, db: Session, username: str, password: str) -> Planner:
    """Give a planner a new password (an imported planner has none until this)."""
    planner = db.scalar(select(Planner).where(Planner.username == username.strip().lower()))
    if planner is None:
        raise Invalid("planner.not_found")
    if len(password) < PASSWORD_MIN:
        raise Invalid("planner.password_short", limit=PASSWORD_MIN)
    planner.password_hash = _hasher.hash(password)
    db.flush()
    return planner
