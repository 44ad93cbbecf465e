"""Workshops: creating, joining and moving a meeting through its stages."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from workshop.accounts.models import Planner
from workshop.communities.models import Community
from workshop.db import utcnow
from workshop.errors import Forbidden, Invalid, NotFound
from workshop.live.broker import announce
from workshop.text import clean_line, clean_text
from workshop.workshops.models import Participant, SatisfactionResponse, Workshop

STAGES = ("welcome", "mapping", "proposals", "voting", "satisfaction", "closed")
DEFAULT_GROUPS = ["老年居民", "中青年居民", "青少年", "商户", "物业", "社区两委"]
SATISFACTION_RATINGS = ("satisfied", "basic", "unsatisfied")
# No 0/O, 1/I/L: codes are read aloud and typed by elderly residents.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def clean_title(title: str) -> str:
    """A workshop's title, trimmed; refused when empty or longer than 200 characters."""
    title = clean_line(title)
    if not title:
        raise Invalid("workshop.title_required")
    if len(title) > 200:
        raise Invalid("field.too_long", limit=200)
    return title


def create_workshop(
    *,
    db: Session,
    planner: Planner,
    community_id: int,
    title: str,
    on: date,
    place: str = "",
    groups: list[str] | None = None,
) -> Workshop:
    """Create a workshop in the welcome stage with a fresh, unique join code."""
    title = clean_title(title)
    if db.get(Community, community_id) is None:
        raise NotFound("community.not_found")
    clean_groups = [clean_line(g)[:32] for g in (groups or DEFAULT_GROUPS) if clean_line(g)]
    code = new_join_code()
    while db.scalar(select(Workshop.id).where(Workshop.join_code == code)) is not None:
        code = new_join_code()
    workshop = Workshop(
        community_id=community_id,
        planner_id=planner.id,
        title=title,
        date=on,
        place=clean_line(place)[:200],
        join_code=code,
        resident_groups=clean_groups[:12],
    )
    db.add(workshop)
    db.flush()
    return workshop


def workshop_by_code(*, db: Session, code: str) -> Workshop:
    workshop = db.scalar(select(Workshop).where(Workshop.join_code == normalise_code(code)))
    if workshop is None:
        raise NotFound("join.unknown_code")
    return workshop


def workshops_of(*, db: Session, planner: Planner) -> list[Workshop]:
    stmt = (
        select(Workshop)
        .where(Workshop.planner_id == planner.id)
        .options(selectinload(Workshop.community))
        .order_by(Workshop.date.desc(), Workshop.id.desc())
    )
    return list(db.scalars(stmt))


def next_stage(stage: str) -> str | None:
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def require_stage(workshop: Workshop, *stages: str) -> None:
    if workshop.stage not in stages:
        raise Forbidden("stage.not_open")


def join(
    *, db: Session, workshop: Workshop, nickname: str, group: str, consent: bool
) -> Participant:
    """Add a participant; no personal data beyond an optional nickname and group."""
    if not consent:
        raise Invalid("join.consent_required")
    if workshop.stage == "closed":
        raise Forbidden("join.closed")
    nickname = clean_line(nickname)
    if len(nickname) > 32:
        raise Invalid("field.too_long", limit=32)
    group = group.strip()
    if group and group not in workshop.resident_groups:
        raise Invalid("join.unknown_group")
    participant = Participant(
        workshop_id=workshop.id,
        token=secrets.token_urlsafe(24),
        nickname=nickname,
        group=group,
        consent_at=utcnow(),
    )
    db.add(participant)
    db.flush()
    announce(db, workshop.id, "participants")
    return participant


# Built once (the vote path runs it on every request): building costs more than running.
_WORKSHOP_AND_PARTICIPANT = (
    select(Workshop, Participant)
    .select_from(Workshop)
    .outerjoin(
        Participant,
        and_(Participant.workshop_id == Workshop.id, Participant.token == bindparam("token")),
    )
    .where(Workshop.join_code == bindparam("code"))
    .limit(1)
)


def workshop_and_participant(
    *, db: Session, code: str, token: str | None
) -> tuple[Workshop, Participant | None] | None:
    """Return the workshop a join code names and its participant with `token` (None if
    there is none), in one query; None if the code names no workshop."""
    params = {"code": normalise_code(code), "token": token or ""}
    row = db.execute(_WORKSHOP_AND_PARTICIPANT, params).first()
    return None if row is None else (row[0], row[1] if token is not None else None)


def participant_by_token(*, db: Session, workshop: Workshop, token: str) -> Participant | None:
    stmt = select(Participant).where(
        Participant.token == token, Participant.workshop_id == workshop.id
    )
    return db.scalar(stmt)


def participants_by_group(*, db: Session, workshop: Workshop) -> list[tuple[str, int]]:
    """Return (group, count) in the order the workshop offers groups; '' = not given."""
    rows = db.execute(
        select(Participant.group, func.count())
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.group)
    ).all()
    counts = Counter({g: n for g, n in rows})
    ordered = [(g, counts.pop(g)) for g in workshop.resident_groups if g in counts]
    ordered += sorted(counts.items(), key=lambda kv: (kv[0] == "", kv[0]))
    return ordered


def rate_service(
    *, db: Session, workshop: Workshop, participant: Participant, rating: str, comment: str = ""
) -> SatisfactionResponse:
    """Record (or change) a participant's satisfaction rating."""
    require_stage(workshop, "satisfaction")
    if rating not in SATISFACTION_RATINGS:
        raise Invalid("satisfaction.unknown_rating")
    if len(comment) > 500:
        raise Invalid("field.too_long", limit=500)
    response = db.scalar(
        select(SatisfactionResponse).where(
            SatisfactionResponse.workshop_id == workshop.id,
            SatisfactionResponse.participant_id == participant.id,
        )
    )
    if response is None:
        response = SatisfactionResponse(workshop_id=workshop.id, participant_id=participant.id)
        db.add(response)
    response.rating = rating
    response.comment = clean_text(comment)
    db.flush()
    return response


COMMENTS_IN_RECORD = 200


def satisfaction_comments(*, db: Session, workshop: Workshop) -> list[dict]:
    """Residents' written comments with their rating, oldest first, without who wrote them."""
    rows = db.execute(
        select(SatisfactionResponse.rating, SatisfactionResponse.comment)
        .where(SatisfactionResponse.workshop_id == workshop.id, SatisfactionResponse.comment != "")
        .order_by(SatisfactionResponse.created_at, SatisfactionResponse.id)
        .limit(COMMENTS_IN_RECORD)
    ).all()
    return [{"rating": rating, "text": text} for rating, text in rows]


def satisfaction_summary(*, db: Session, workshop: Workshop) -> dict:
    """Return counts per rating and the satisfied share (满意 + 基本满意) or None."""
    rows = db.execute(
        select(SatisfactionResponse.rating, func.count())
        .where(SatisfactionResponse.workshop_id == workshop.id)
        .group_by(SatisfactionResponse.rating)
    ).all()
    counts = {r: 0 for r in SATISFACTION_RATINGS} | dict(rows)
    total = sum(counts.values())
    rate = (counts["satisfied"] + counts["basic"]) / total if total else None
    return {"responses": total, "counts": counts, "rate": rate}


def signal_typing(
    *, db: Session, workshop: Workshop, participant: Participant, active: bool
) -> None:
    """Tell the planner's console that this resident has unsent text (or no longer has).

    Nothing is stored: the event reaches console streams only (workshop/live/routes.py),
    which count the residents who are still typing before the stage moves on.
    """
    announce(db, workshop.id, f"typing {participant.ref} {int(active)}")
