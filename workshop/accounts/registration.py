"""Planner registration and the city's review into the expert pool (审核入库, issue 15).

A planner applies on /register: the account is made at once but disabled, with an
application, so it cannot log in (the login page says the application awaits review, and
only to someone who typed its password). A city administrator admits it (the account is
enabled) or rejects it with a reason. The organisation the applicant chose is asked, not
joined: its administrator sees the request (`join_requests`) and invites, and the planner
accepts, as for any organisation invitation; the city's review never makes a member.
Every submission and decision is in the activity log with who and when.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workshop.accounts.models import Application, Invitation, Organisation, Planner
from workshop.accounts.service import DISCIPLINES, TITLES, create_planner
from workshop.db import utcnow
from workshop.errors import Conflict, Invalid, NotFound
from workshop.text import clean_line, clean_text

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,31}")
PHONE = re.compile(r"\+?[0-9][0-9 -]{5,30}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
STATEMENT_MAX = 500
REASON_MAX = 500


@dataclass(frozen=True)
class ApplicationForm:
    """What an applicant typed (the route's form fields, unchecked)."""

    username: str
    name: str
    password: str
    password_again: str
    discipline: str = "planner"
    title: str = "intermediate"
    organisation_id: int = 0
    phone: str = ""
    email: str = ""
    statement: str = ""


def _checked(db: Session, form: ApplicationForm) -> tuple[str, str, Organisation | None]:
    """Validate everything before anything is written: (username, name, organisation)."""
    username = form.username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise Invalid("register.username_invalid")
    name = clean_line(form.name)
    if not name or len(name) > 64:
        raise Invalid("register.name_required")
    if form.password != form.password_again:
        raise Invalid("password.mismatch")
    if form.discipline not in DISCIPLINES:
        raise Invalid("planner.unknown_discipline")
    if form.title not in TITLES:
        raise Invalid("planner.unknown_title")
    org = None
    if form.organisation_id:
        org = db.get(Organisation, form.organisation_id)
        if org is None:
            raise Invalid("register.organisation_unknown")
    phone, email = form.phone.strip(), form.email.strip()
    if phone and not PHONE.fullmatch(phone):
        raise Invalid("register.phone_invalid")
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        raise Invalid("register.email_invalid")
    if len(clean_text(form.statement)) > STATEMENT_MAX:
        raise Invalid("field.too_long", limit=STATEMENT_MAX)
    if db.scalar(select(Planner.id).where(Planner.username == username)) is not None:
        raise Conflict("planner.username_taken")
    return username, name, org


def apply(*, db: Session, form: ApplicationForm) -> Application:
    """Make the disabled account and its pending application; raise before writing."""
    username, name, org = _checked(db, form)
    planner = create_planner(
        db=db,
        username=username,
        password=form.password,  # create_planner checks the length (PASSWORD_MIN)
        name=name,
        discipline=form.discipline,
        title=form.title,
    )
    planner.disabled_at = utcnow()
    application = Application(
        planner_id=planner.id,
        organisation_id=org.id if org else None,
        phone=form.phone.strip(),
        email=form.email.strip(),
        statement=clean_text(form.statement).strip(),
    )
    db.add(application)
    db.flush()
    _log(db, planner, "application.submit", account=planner.id)
    return application


def state_of(db: Session, planner: Planner) -> str:
    """The account's review state: "pending", "rejected", or "approved" (also for every
    account that never applied: made by the CLI, an administrator, a migration)."""
    decision = db.scalar(select(Application.decision).where(Application.planner_id == planner.id))
    return decision or "approved"


def refusal_key(db: Session, planner: Planner) -> tuple[str, dict[str, str]]:
    """Why a disabled account (whose password was right) cannot log in: message and params."""
    application = db.scalar(select(Application).where(Application.planner_id == planner.id))
    if application is not None and application.decision == "pending":
        return "login.pending", {}
    if application is not None and application.decision == "rejected":
        return "login.rejected", {"reason": application.reason}
    return "login.failed", {}


def unadmitted(db: Session) -> dict[int, str]:
    """{account id: "pending" or "rejected"} for the accounts not admitted by review."""
    stmt = select(Application.planner_id, Application.decision).where(
        Application.decision != "approved"
    )
    return {planner_id: decision for planner_id, decision in db.execute(stmt).all()}


def pending(db: Session) -> list[tuple[Application, Planner, Organisation | None]]:
    """Applications awaiting review, oldest first (the city administrator's list)."""
    stmt = (
        select(Application, Planner, Organisation)
        .join(Planner, Planner.id == Application.planner_id)
        .outerjoin(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.decision == "pending")
        .order_by(Application.created_at, Application.id)
    )
    return [(a, p, o) for a, p, o in db.execute(stmt).all()]


def decided(db: Session, limit: int = 20) -> list[dict]:
    """The latest decisions, newest first: who applied, what was decided, by whom, when."""
    reviewer = aliased(Planner)
    stmt = (
        select(Application, Planner, reviewer.name)
        .join(Planner, Planner.id == Application.planner_id)
        .outerjoin(reviewer, reviewer.id == Application.decided_by)
        .where(Application.decision != "pending")
        .order_by(Application.decided_at.desc(), Application.id.desc())
        .limit(limit)
    )
    return [
        {"application": a, "account": p, "by": by or "—"} for a, p, by in db.execute(stmt).all()
    ]


def _pending_application(db: Session, application_id: int) -> tuple[Application, Planner]:
    application = db.get(Application, application_id)
    planner = db.get(Planner, application.planner_id) if application else None
    if application is None or planner is None:
        raise NotFound("error.not_found")
    if application.decision != "pending":
        raise Conflict("application.already_decided")
    return application, planner


def approve(*, db: Session, by: Planner, application_id: int) -> Planner:
    """Admit the applicant into the expert pool: the account may log in. Membership of the
    organisation it chose waits for that organisation's administrator (`join_requests`)."""
    application, planner = _pending_application(db, application_id)
    application.decision, application.decided_by, application.decided_at = (
        "approved",
        by.id,
        utcnow(),
    )
    planner.disabled_at = None
    db.flush()
    _log(
        db,
        by,
        "application.approve",
        organisation_id=application.organisation_id,
        account=planner.id,
        application=application.id,
    )
    return planner


def reject(*, db: Session, by: Planner, application_id: int, reason: str) -> Planner:
    """Refuse the application with a reason the applicant sees at login; the account
    stays disabled (its username stays taken, so the reason can be read)."""
    reason = clean_line(reason)
    if not reason:
        raise Invalid("application.reason_required")
    if len(reason) > REASON_MAX:
        raise Invalid("field.too_long", limit=REASON_MAX)
    application, planner = _pending_application(db, application_id)
    application.decision, application.decided_by, application.decided_at = (
        "rejected",
        by.id,
        utcnow(),
    )
    application.reason = reason
    db.flush()
    _log(
        db,
        by,
        "application.reject",
        account=planner.id,
        application=application.id,
        reason=reason,
    )
    return planner


def _log(db: Session, actor: Planner, action: str, **kwargs: object) -> None:
    from workshop.city.service import log

    log(db, actor, action, **kwargs)  # type: ignore[arg-type]


def organisations(db: Session) -> list[Organisation]:
    """The organisation records an applicant chooses from."""
    return list(db.scalars(select(Organisation).order_by(Organisation.name)))


def join_requests(db: Session, organisation: Organisation) -> list[Planner]:
    """Admitted planners who chose `organisation` when they applied and are neither its
    members nor already invited: its administrator decides whether to invite them."""
    invited = select(Invitation.planner_id).where(
        Invitation.kind == "organisation",
        Invitation.organisation_id == organisation.id,
        Invitation.accepted_at.is_(None),
    )
    stmt = (
        select(Planner)
        .join(Application, Application.planner_id == Planner.id)
        .where(
            Application.organisation_id == organisation.id,
            Application.decision == "approved",
            Planner.organisation_id.is_distinct_from(organisation.id),
            Planner.disabled_at.is_(None),
            Planner.id.not_in(invited),
        )
        .order_by(Application.decided_at)
    )
    return list(db.scalars(stmt))
