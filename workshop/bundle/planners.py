"""Whose an imported workshop is: the planners a bundle names, mapped onto this instance.

Never by username: a bundle can name any account (`demo`), and mapping onto it would put
the workshop, its satisfaction answers and its service log into that account's console.
- The workshop's lead becomes `owner_id`: the planner the importer chose (by default the
  importer). Without an owner (the CLI without --owner) the lead is treated like the rest.
- Every other planner the bundle names (co-facilitators, reviewers, note authors) becomes
  a new, disabled placeholder account with an invitation (kind "account") that records
  the username the bundle gave: no password, no login, nothing of anyone else's. It keeps
  that username when it is free here (the vote trail's hash chain names planners by
  username, so `workshop verify` still passes), else gets `imported-…`.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Invitation, Planner
from workshop.accounts.service import DISCIPLINES, TITLES
from workshop.db import utcnow
from workshop.errors import Invalid


def map_planners(
    db: Session, rows: list[dict[str, Any]], *, lead_id: Any, owner_id: int | None
) -> dict[Any, int]:
    """Return {bundle planner id: planner id here}, creating placeholders as needed."""
    ids: dict[Any, int] = {}
    if owner_id is not None and db.get(Planner, owner_id) is None:
        raise Invalid("bundle.owner_unknown")
    for row in rows:
        old = row.get("id")
        if old in ids:
            raise Invalid("bundle.corrupt")
        if old == lead_id and owner_id is not None:
            ids[old] = owner_id
            continue
        ids[old] = _placeholder(db, row).id
    return ids


def _placeholder(db: Session, row: dict[str, Any]) -> Planner:
    named = str(row.get("username") or "")[:64]
    taken = not named or db.scalar(select(Planner.id).where(Planner.username == named))
    username = _free_username(db) if taken else named
    planner = Planner(
        username=username,
        password_hash="!invited",  # never verifies: argon2 refuses it
        name=str(row.get("name") or named or username)[:64],
        discipline=row.get("discipline") if row.get("discipline") in DISCIPLINES else "planner",
        title=row.get("title") if row.get("title") in TITLES else "intermediate",
        organisation="",
        role="planner",
        disabled_at=utcnow(),
    )
    db.add(planner)
    db.flush()
    return planner


def _free_username(db: Session) -> str:
    while True:
        name = f"imported-{secrets.token_hex(4)}"
        if db.scalar(select(Planner.id).where(Planner.username == name)) is None:
            return name


def owner_by_username(db: Session, username: str) -> int:
    """The id of the active planner a city administrator (or the CLI) names as owner."""
    found = db.scalar(
        select(Planner.id).where(
            Planner.username == username.strip().lower(),
            Planner.role == "planner",
            Planner.disabled_at.is_(None),
        )
    )
    if found is None:
        raise Invalid("bundle.owner_unknown")
    return found


def record_names(
    db: Session, rows: list[dict[str, Any]], ids: dict[Any, int], *, workshop_id: int
) -> None:
    """Note, for the imported workshop, the username the bundle gave each planner: an
    invitation to claim each placeholder, an alias where the importer took the lead's
    place. The vote trail and records name planners by these usernames."""
    for row in rows:
        here = db.get(Planner, ids[row.get("id")])
        assert here is not None
        named = str(row.get("username") or "")[:64]
        placeholder = here.password_hash == "!invited"
        if placeholder or here.username != named:
            kind = "account" if placeholder else "alias"
            db.add(
                Invitation(kind=kind, planner_id=here.id, named_as=named, workshop_id=workshop_id)
            )
    db.flush()
