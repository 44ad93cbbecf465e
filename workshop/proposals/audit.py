"""Tamper evidence: hash chains over the vote audit trail and finalised records.

Each vote change stores the hash of the workshop's previous change; each finalised
assessment version stores the hash of the workshop's previous finalised version. A hash
is sha256 over canonical JSON (sorted keys, no spaces, UTF-8). `verify_workshop`
recomputes both chains and checks that every vote row matches the last change the trail
holds for it, so an edit made straight in the database is found.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from workshop.assessments.models import AssessmentRecord
from workshop.proposals.models import Vote, VoteChange, VotingRound

# Advisory-lock class id for the per-workshop vote chain on PostgreSQL ("vote").
_CHAIN_LOCK = 0x766F7465


def canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_of(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def change_payload(change: VoteChange) -> dict:
    return {
        "id": change.id,
        "workshop_id": change.workshop_id,
        "round_id": change.round_id,
        "proposal_id": change.proposal_id,
        "participant_id": change.participant_id,
        "old_value": change.old_value,
        "new_value": change.new_value,
        "source": change.source,
        "planner_id": change.planner_id,
        "created_at": _when(change.created_at),
        "prev_hash": change.prev_hash,
    }


def lock_chain(db: Session, workshop_id: int) -> None:
    """Serialise appends to one workshop's chain (SQLite writers are serialised already)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _CHAIN_LOCK, "b": workshop_id}
        )


def vote_chain_head(db: Session, workshop_id: int) -> str | None:
    stmt = (
        select(VoteChange.entry_hash)
        .where(VoteChange.workshop_id == workshop_id, VoteChange.entry_hash.is_not(None))
        .order_by(VoteChange.id.desc())
        .limit(1)
    )
    return db.scalar(stmt)


def append_change(db: Session, workshop_id: int, change: VoteChange) -> None:
    """Link a new (not yet flushed) change into the workshop's chain and flush it."""
    lock_chain(db, workshop_id)
    change.workshop_id = workshop_id
    change.prev_hash = vote_chain_head(db, workshop_id)
    db.add(change)
    db.flush()
    change.entry_hash = sha256_of(change_payload(change))
    db.flush()


def _record_payload(record: AssessmentRecord, content: dict) -> dict:
    content = json.loads(json.dumps(content))
    audit = content.get("audit")
    if isinstance(audit, dict):
        audit["record_hash"] = None
    return {
        "workshop_id": record.workshop_id,
        "version": record.version,
        "finalised_at": _when(record.finalised_at),
        "prev_hash": record.prev_hash,
        "content": content,
    }


def seal_record(db: Session, record: AssessmentRecord) -> str:
    """Chain a just-finalised version to the previous finalised one; return its hash."""
    lock_chain(db, record.workshop_id)
    record.prev_hash = db.scalar(
        select(AssessmentRecord.record_hash)
        .where(
            AssessmentRecord.workshop_id == record.workshop_id,
            AssessmentRecord.record_hash.is_not(None),
            AssessmentRecord.id != record.id,
        )
        .order_by(AssessmentRecord.version.desc())
        .limit(1)
    )
    content = copy.deepcopy(record.content)
    audit = dict(content.get("audit") or {})
    audit.setdefault("vote_chain_head", vote_chain_head(db, record.workshop_id))
    audit["record_hash"] = None
    content["audit"] = audit
    digest = sha256_of(_record_payload(record, content))
    content["audit"]["record_hash"] = digest
    record.content = content
    record.record_hash = digest
    db.flush()
    return digest


@dataclass(frozen=True)
class Problem:
    chain: str  # "vote" or "record"
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"{self.chain} #{self.entry_id}: {self.reason}"


def verify_votes(db: Session, workshop_id: int) -> tuple[int, list[Problem]]:
    """Recompute the vote chain; return (entries checked, problems)."""
    changes = list(
        db.scalars(
            select(VoteChange)
            .join(VotingRound, VotingRound.id == VoteChange.round_id)
            .where(VotingRound.workshop_id == workshop_id)
            .order_by(VoteChange.id)
        )
    )
    problems: list[Problem] = []
    prev: str | None = None
    started = False
    last: dict[tuple[int, int, int], VoteChange] = {}
    for change in changes:
        last[(change.round_id, change.proposal_id, change.participant_id)] = change
        if change.entry_hash is None and not started:
            continue  # written before the chain existed
        started = True
        if change.entry_hash is None:
            problems.append(Problem("vote", change.id, "hash missing"))
            continue
        if change.workshop_id != workshop_id:
            problems.append(Problem("vote", change.id, "moved to another workshop"))
        if change.prev_hash != prev:
            problems.append(Problem("vote", change.id, "previous hash does not match"))
        if sha256_of(change_payload(change)) != change.entry_hash:
            problems.append(Problem("vote", change.id, "entry changed after it was written"))
        prev = change.entry_hash
    votes = db.scalars(
        select(Vote)
        .join(VotingRound, VotingRound.id == Vote.round_id)
        .where(VotingRound.workshop_id == workshop_id)
        .order_by(Vote.id)
    )
    for vote in votes:
        trail = last.get((vote.round_id, vote.proposal_id, vote.participant_id))
        if trail is None:
            problems.append(Problem("vote-row", vote.id, "vote has no audit entry"))
        elif (trail.new_value, trail.source) != (vote.value, vote.source):
            problems.append(
                Problem("vote-row", vote.id, f"vote differs from audit entry #{trail.id}")
            )
    return len(changes), problems


def verify_records(db: Session, workshop_id: int) -> tuple[int, list[Problem]]:
    records = list(
        db.scalars(
            select(AssessmentRecord)
            .where(
                AssessmentRecord.workshop_id == workshop_id,
                AssessmentRecord.finalised_at.is_not(None),
            )
            .order_by(AssessmentRecord.version)
        )
    )
    problems: list[Problem] = []
    prev: str | None = None
    started = False
    for record in records:
        if record.record_hash is None and not started:
            continue
        started = True
        if record.record_hash is None:
            problems.append(Problem("record", record.version, "hash missing"))
            continue
        if record.prev_hash != prev:
            problems.append(Problem("record", record.version, "previous hash does not match"))
        if sha256_of(_record_payload(record, record.content)) != record.record_hash:
            problems.append(
                Problem("record", record.version, "content changed after it was finalised")
            )
        prev = record.record_hash
    return len(records), problems


def verify_workshop(db: Session, workshop_id: int) -> tuple[dict, list[Problem]]:
    votes, vote_problems = verify_votes(db, workshop_id)
    records, record_problems = verify_records(db, workshop_id)
    checked = {"vote_changes": votes, "records": records}
    return checked, vote_problems + record_problems
