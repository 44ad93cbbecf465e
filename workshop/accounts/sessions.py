"""Server-side login sessions: the `ws_session` cookie carries a random token, the
`login_session` table its SHA-256. A session ends at logout, when its password changes,
when an administrator disables the account, after `session_idle_minutes` without a
request, and at the latest `SESSION_MAX_HOURS` after login."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workshop.accounts.models import LoginSession, Planner
from workshop.db import utcnow

SESSION_COOKIE = "ws_session"
SESSION_MAX_HOURS = 12
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(*, db: Session, planner: Planner, user_agent: str = "", address: str = "") -> str:
    """Open a session for the planner; return the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        LoginSession(
            token_hash=token_hash(token),
            planner_id=planner.id,
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:200],
            address=address[:64],
        )
    )
    db.flush()
    return token


def live_session(
    *, db: Session, token: str | None, idle: timedelta
) -> tuple[LoginSession, Planner] | None:
    """The session the token names and its account, if neither ended, idle nor disabled."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        select(LoginSession, Planner)
        .join(Planner, Planner.id == LoginSession.planner_id)
        .where(LoginSession.token_hash == token_hash(token), LoginSession.ended_at.is_(None))
    ).first()
    if row is None:
        return None
    session, planner = row
    now = utcnow()
    if (
        planner.disabled_at is not None
        or now - session.last_seen_at > idle
        or now - session.created_at > timedelta(hours=SESSION_MAX_HOURS)
    ):
        return None
    return session, planner


def needs_touch(session: LoginSession) -> bool:
    return utcnow() - session.last_seen_at > TOUCH_EVERY


def touch(*, db: Session, session_id: int) -> None:
    db.execute(
        update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=utcnow())
    )


def end_session(*, db: Session, token: str | None) -> None:
    if token:
        db.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == token_hash(token), LoginSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all_sessions(*, db: Session, planner_id: int) -> int:
    """End every session of the account (password change, disable); return how many."""
    result = db.execute(
        update(LoginSession)
        .where(LoginSession.planner_id == planner_id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def end_one(*, db: Session, planner: Planner, session_id: int) -> None:
    """End one of the planner's own sessions (the console's "sign out that device")."""
    db.execute(
        update(LoginSession)
        .where(
            LoginSession.id == session_id,
            LoginSession.planner_id == planner.id,
            LoginSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )


def active_sessions(*, db: Session, planner: Planner, idle: timedelta) -> list[LoginSession]:
    now: datetime = utcnow()
    stmt = (
        select(LoginSession)
        .where(
            LoginSession.planner_id == planner.id,
            LoginSession.ended_at.is_(None),
            LoginSession.last_seen_at > now - idle,
            LoginSession.created_at > now - timedelta(hours=SESSION_MAX_HOURS),
        )
        .order_by(LoginSession.last_seen_at.desc())
    )
    return list(db.scalars(stmt))
