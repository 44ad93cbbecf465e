"""Writing the hash chains (workshop.audit.payloads defines what is hashed, .checks the checks).

`append_change` links a vote change into its workshop's chain; `seal_record` links a
finalised assessment version. Both hash what `audit.change_payload` / `audit.record_payload`
name, so what is written here is what `workshop verify` and a bundle's import check.

The vote path runs `append_change` on every tap: it writes with two Core statements on
the session's connection (the chain head, then the hashed INSERT), not through the ORM's
unit of work, whose flush costs several times the statements themselves.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from workshop.accounts.models import Planner
from workshop.assessments.models import AssessmentRecord
from workshop.audit.payloads import (
    ChainRows,
    change_payload,
    content_planner_ids,
    record_payload,
    sha256_of,
)
from workshop.db import utcnow
from workshop.proposals.models import Proposal, VoteChange, VotingRound
from workshop.workshops.models import Participant

# Advisory-lock class id for the per-workshop vote chain on PostgreSQL ("vote").
_CHAIN_LOCK = 0x766F7465


def lock_chain(db: Session, workshop_id: int) -> None:
    """Serialise appends to one workshop's chain (SQLite writers are serialised already)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _CHAIN_LOCK, "b": workshop_id}
        )


# Built once: on the vote path, building a statement costs more than running it.
_CHAIN_HEAD = (
    select(VoteChange.entry_hash)
    .where(VoteChange.workshop_id == bindparam("workshop_id"), VoteChange.entry_hash.is_not(None))
    .order_by(VoteChange.id.desc())
    .limit(1)
)
_INSERT_CHANGE = insert(VoteChange)


def vote_chain_head(db: Session, workshop_id: int) -> str | None:
    return db.scalar(_CHAIN_HEAD, {"workshop_id": workshop_id})


def _ref(db: Session, model: type, row_id: int | None) -> str | None:
    row = db.get(model, row_id) if row_id is not None else None  # identity map: no SQL
    return row.ref if row is not None else None


def append_change(
    db: Session,
    workshop_id: int,
    *,
    round_id: int,
    proposal_id: int,
    participant_id: int,
    new_value: int,
    old_value: int | None = None,
    source: str = "tablet",
    planner_id: int | None = None,
    created_at: datetime | None = None,
) -> None:
    """Append one change of a vote's value to the workshop's chain (hashed, then inserted).

    Whatever the session still holds unflushed (the vote row, a new participant) is
    flushed first, so the chain never names a row the database does not have."""
    db.flush()  # nothing to do on the vote path, which writes its vote with Core too
    lock_chain(db, workshop_id)
    conn = db.connection()
    change: dict[str, Any] = {
        "round_id": round_id,
        "proposal_id": proposal_id,
        "participant_id": participant_id,
        "old_value": old_value,
        "new_value": new_value,
        "source": source or "tablet",
        "planner_id": planner_id,
        "created_at": created_at or utcnow(),
        "workshop_id": workshop_id,
        "prev_hash": conn.execute(_CHAIN_HEAD, {"workshop_id": workshop_id}).scalar(),
    }
    planner = db.get(Planner, planner_id) if planner_id is not None else None
    rows = ChainRows(
        workshop_id,
        [],
        [],
        [],
        refs={
            "voting_round": {round_id: _ref(db, VotingRound, round_id)},
            "proposal": {proposal_id: _ref(db, Proposal, proposal_id)},
            "participant": {participant_id: _ref(db, Participant, participant_id)},
        },
        usernames={planner.id: planner.username} if planner is not None else {},
    )
    change["entry_hash"] = sha256_of(change_payload(change, rows))
    conn.execute(_INSERT_CHANGE, change)


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
    # Which instance finalised it, inside what the hash covers: the printed report shows
    # it beside the hash (workshop.reports.anchor), and a re-signed copy cannot keep both.
    from workshop.bundle import keys

    key = keys.active()
    audit["key_fingerprint"] = key.fingerprint if key is not None else None
    content["audit"] = audit
    fields: dict[str, Any] = {"version": record.version, "finalised_at": record.finalised_at}
    fields["prev_hash"] = record.prev_hash
    rows = ChainRows(record.workshop_id, [], [], [])
    # A record's content names proposals and planners only.
    rows.load_lookups(db, content_planner_ids([{"content": content}]), tables=("proposal",))
    digest = sha256_of(record_payload(fields, content, rows))
    content["audit"]["record_hash"] = digest
    record.content = content
    record.record_hash = digest
    db.flush()
    _sign_record(db, record.id, digest)
    return digest


def _sign_record(db: Session, record_id: int, digest: str) -> None:
    """Sign the record hash with this instance's key (when one is loaded)."""
    from workshop.bundle import keys
    from workshop.bundle.models import RecordSignature

    key = keys.active()
    if key is not None:
        signature = key.sign(digest.encode("ascii"))
        db.add(RecordSignature(record_id=record_id, public_key=key.public_b64, signature=signature))
        db.flush()
