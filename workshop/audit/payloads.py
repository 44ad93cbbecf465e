"""What the hash chains hash: canonical JSON, the rows a chain names (`ChainRows`, from the
database or from a bundle) and each entry's payload, by refs that survive an import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.accounts.models import Invitation, Planner
from workshop.assessments.models import AssessmentRecord
from workshop.proposals.models import Proposal, Vote, VoteChange, VotingRound
from workshop.workshops.models import Participant

PAYLOAD_VERSION = 2


def canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_of(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def _when(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # a bundle holds ISO strings
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


# --- the rows a chain covers ------------------------------------------------------------

ROW_KEYS = ("voting_round", "proposal", "participant")


@dataclass
class ChainRows:
    """One workshop's chain rows as plain dicts, plus the lookups the payloads need."""

    workshop_id: Any
    changes: list[dict]  # vote_change, in id order
    votes: list[dict]
    records: list[dict]  # finalised assessment_record versions, in version order
    refs: dict[str, dict[Any, str | None]] = field(default_factory=dict)  # table -> id -> ref
    usernames: dict[Any, str | None] = field(default_factory=dict)  # planner id -> username
    legacy_ok: bool = True  # version-1 (local id) payloads can only match in their database
    signatures: list[dict] = field(default_factory=list)  # record_signature rows

    @classmethod
    def from_db(cls, db: Session, workshop_id: int) -> ChainRows:
        def fetch(stmt: Any) -> list[dict]:
            return [dict(r) for r in db.execute(stmt).mappings()]

        round_ids = select(VotingRound.id).where(VotingRound.workshop_id == workshop_id)
        changes = fetch(
            select(VoteChange.__table__)
            .where(VoteChange.round_id.in_(round_ids))
            .order_by(VoteChange.id)
        )
        votes = fetch(select(Vote.__table__).where(Vote.round_id.in_(round_ids)).order_by(Vote.id))
        records = fetch(
            select(AssessmentRecord.__table__)
            .where(
                AssessmentRecord.workshop_id == workshop_id,
                AssessmentRecord.finalised_at.is_not(None),
            )
            .order_by(AssessmentRecord.version)
        )
        planner_ids = {c["planner_id"] for c in changes if c["planner_id"] is not None}
        from workshop.bundle.models import RecordSignature

        signatures = fetch(
            select(RecordSignature.__table__)
            .where(RecordSignature.record_id.in_([r["id"] for r in records] or [-1]))
            .order_by(RecordSignature.id)
        )
        rows = cls(workshop_id, changes, votes, records, signatures=signatures)
        rows.load_lookups(db, planner_ids | content_planner_ids(records))
        return rows

    def load_lookups(
        self, db: Session, planner_ids: set[Any], tables: tuple[str, ...] = ROW_KEYS
    ) -> None:
        """Fill `refs` (rounds, proposals, participants, or `tables` of them) and the
        planners' usernames."""
        models: dict[str, Any] = {
            "voting_round": VotingRound,
            "proposal": Proposal,
            "participant": Participant,
        }
        for name in tables:
            model = models[name]
            stmt = select(model.id, model.ref).where(model.workshop_id == self.workshop_id)
            self.refs[name] = {k: v for k, v in db.execute(stmt)}
        if planner_ids:
            stmt = select(Planner.id, Planner.username).where(Planner.id.in_(planner_ids))
            self.usernames = {k: v for k, v in db.execute(stmt)}
            # An imported workshop's planners, by the usernames its bundle gave them.
            named = select(Invitation.planner_id, Invitation.named_as).where(
                Invitation.workshop_id == self.workshop_id, Invitation.named_as != ""
            )
            self.usernames.update({k: v for k, v in db.execute(named)})

    @classmethod
    def from_bundle(cls, tables: dict[str, list[dict]]) -> ChainRows:
        """A bundle holds one workshop: every change, vote and finalised version in it is
        part of that workshop's chains (a row pointed elsewhere fails, never drops out)."""
        workshop_id = tables["workshop"][0]["id"]
        by_id = sorted(tables["vote_change"], key=lambda r: _id_order(r.get("id")))
        records = sorted(
            (r for r in tables["assessment_record"] if r.get("finalised_at")),
            key=lambda r: _id_order(r.get("version")),
        )
        refs = {name: {r["id"]: r.get("ref") for r in tables[name]} for name in ROW_KEYS}
        usernames = {r["id"]: r.get("username") for r in tables["planner"]}
        votes = list(tables["vote"])
        signatures = list(tables.get("record_signature") or [])
        return cls(
            workshop_id, by_id, votes, records, refs, usernames, False, signatures=signatures
        )


def _id_order(value: Any) -> tuple:
    return (0, value) if isinstance(value, int) and not isinstance(value, bool) else (1, str(value))


def content_planner_ids(records: list[dict]) -> set[Any]:
    found: set[Any] = set()

    def collect(planner_id: Any) -> Any:
        found.add(planner_id)
        return planner_id

    for record in records:
        rewrite_content_ids(record.get("content") or {}, planner=collect)
    return found


# --- payloads ---------------------------------------------------------------------------


def change_payload(change: dict, rows: ChainRows) -> dict:
    refs, planner = rows.refs, change.get("planner_id")
    return {
        "v": PAYLOAD_VERSION,
        "round": refs["voting_round"].get(change["round_id"]),
        "proposal": refs["proposal"].get(change["proposal_id"]),
        "participant": refs["participant"].get(change["participant_id"]),
        "old_value": change["old_value"],
        "new_value": change["new_value"],
        "source": change["source"],
        "planner": rows.usernames.get(planner) if planner is not None else None,
        "created_at": _when(change["created_at"]),
        "prev_hash": change["prev_hash"],
    }


def legacy_change_payload(change: dict) -> dict:
    """Version 1 (before 0009): local integer ids."""
    return {
        "id": change["id"],
        "workshop_id": change["workshop_id"],
        "round_id": change["round_id"],
        "proposal_id": change["proposal_id"],
        "participant_id": change["participant_id"],
        "old_value": change["old_value"],
        "new_value": change["new_value"],
        "source": change["source"],
        "planner_id": change["planner_id"],
        "created_at": _when(change["created_at"]),
        "prev_hash": change["prev_hash"],
    }


def rewrite_content_ids(
    content: dict,
    *,
    proposal: Callable[[Any], Any] | None = None,
    planner: Callable[[Any], Any] | None = None,
    workshop: Callable[[Any], Any] | None = None,
    community: Callable[[Any], Any] | None = None,
) -> dict:
    """Return a copy of a record's content with every row id passed through a mapping.

    The one list of the ids a record's frozen JSON holds: the bundle import maps them to
    the new ids, the hash maps them to refs. A mapping left out keeps its ids.
    """
    content = json.loads(json.dumps(content))

    def each(mapping: Callable[[Any], Any] | None, value: Any) -> Any:
        return mapping(value) if mapping is not None and value is not None else value

    for key, mapping in (("workshop", workshop), ("community", community)):
        part = content.get(key)
        if isinstance(part, dict) and "id" in part:
            part["id"] = each(mapping, part["id"])
    for p in content.get("proposals") or []:
        if isinstance(p, dict) and "proposal_id" in p:
            p["proposal_id"] = each(proposal, p["proposal_id"])
    for row in content.get("reviews") or []:
        if not isinstance(row, dict):
            continue
        if "proposal_id" in row:
            row["proposal_id"] = each(proposal, row["proposal_id"])
        for review in row.get("reviews") or []:
            if isinstance(review, dict) and "planner_id" in review:
                review["planner_id"] = each(planner, review["planner_id"])
    if isinstance(content.get("adopted"), list):
        content["adopted"] = [each(proposal, i) for i in content["adopted"]]
    return content


def _stable_content(content: dict, rows: ChainRows) -> dict:
    content = rewrite_content_ids(
        content,
        proposal=lambda i: rows.refs["proposal"].get(i, f"missing:{i}"),
        planner=lambda i: rows.usernames.get(i, f"missing:{i}"),
        workshop=lambda _i: None,  # the chain is the workshop's own
        community=lambda _i: None,
    )
    audit = content.get("audit")
    if isinstance(audit, dict):
        audit["record_hash"] = None
    return content


def record_payload(record: dict, content: dict, rows: ChainRows) -> dict:
    return {
        "v": PAYLOAD_VERSION,
        "version": record["version"],
        "finalised_at": _when(record["finalised_at"]),
        "prev_hash": record["prev_hash"],
        "content": _stable_content(content, rows),
    }


def legacy_record_payload(record: dict, content: dict) -> dict:
    content = json.loads(json.dumps(content))
    audit = content.get("audit")
    if isinstance(audit, dict):
        audit["record_hash"] = None
    return {
        "workshop_id": record["workshop_id"],
        "version": record["version"],
        "finalised_at": _when(record["finalised_at"]),
        "prev_hash": record["prev_hash"],
        "content": content,
    }
