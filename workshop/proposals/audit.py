"""Tamper evidence: hash chains over the vote audit trail and finalised records.

Each vote change stores the hash of the workshop's previous change; each finalised
assessment version stores the hash of the workshop's previous finalised version. A hash
is sha256 over canonical JSON (sorted keys, no spaces, UTF-8).

The hashed payload names rows by what survives a bundle export and import: the `ref` of
the round, proposal and participant, the planner's username, and never an integer id
(an import renumbers ids). So the same checks run on this database, on a bundle file
(`verify_bundle_tables`) and on a workshop imported from a bundle.

The checks work on plain rows (dicts), loaded either from the database
(`ChainRows.from_db`) or from a bundle's tables (`ChainRows.from_bundle`):
- every change links to the one before and hashes to its stored hash;
- every vote row matches the last change the trail holds for it (an edit made straight
  in the database shows here);
- every finalised record version links and hashes the same way.

Writing the chains: workshop.proposals.chain.

Entries written before revision 0009 hashed the local ids ("version 1"); they still
verify in the database they were written in, not in a bundle.
"""

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


def _legacy_change_payload(change: dict) -> dict:
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


def _legacy_record_payload(record: dict, content: dict) -> dict:
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


# --- checking ---------------------------------------------------------------------------


# The reasons a check gives, and their message keys (the console shows them translated).
REASON_KEYS = {
    "hash missing": "verify.hash_missing",
    "moved to another workshop": "verify.moved",
    "previous hash does not match": "verify.link_broken",
    "entry changed after it was written": "verify.entry_changed",
    "vote has no audit entry": "verify.vote_without_entry",
    "vote differs from audit entry": "verify.vote_differs",
    "content changed after it was finalised": "verify.record_changed",
    "vote listed twice": "verify.vote_twice",
    "audit entry has no vote": "verify.entry_without_vote",
    "sealed vote chain head not in the chain": "verify.head_missing",
    "signature does not match": "verify.signature_bad",
}


@dataclass(frozen=True)
class Problem:
    chain: str  # "vote", "vote-row" or "record"
    entry_id: Any
    reason: str

    def __str__(self) -> str:
        return f"{self.chain} #{self.entry_id}: {self.reason}"

    @property
    def key(self) -> str:
        """The message key of the reason (its text up to an entry number)."""
        return REASON_KEYS[self.reason.split(" #")[0]]


def _change_matches(change: dict, rows: ChainRows) -> bool:
    if sha256_of(change_payload(change, rows)) == change["entry_hash"]:
        return True
    return rows.legacy_ok and sha256_of(_legacy_change_payload(change)) == change["entry_hash"]


def _record_matches(record: dict, rows: ChainRows) -> bool:
    content = record.get("content") or {}
    if sha256_of(record_payload(record, content, rows)) == record["record_hash"]:
        return True
    return rows.legacy_ok and (
        sha256_of(_legacy_record_payload(record, content)) == record["record_hash"]
    )


def check_votes(rows: ChainRows) -> tuple[int, list[Problem]]:
    """Recompute the vote chain; return (entries checked, problems)."""
    problems: list[Problem] = []
    prev: str | None = None
    started = False
    last: dict[tuple[Any, Any, Any], dict] = {}
    for change in rows.changes:
        last[(change["round_id"], change["proposal_id"], change["participant_id"])] = change
        if change.get("entry_hash") is None and not started:
            continue  # written before the chain existed
        started = True
        if change.get("entry_hash") is None:
            problems.append(Problem("vote", change["id"], "hash missing"))
            continue
        if change.get("workshop_id") != rows.workshop_id:
            problems.append(Problem("vote", change["id"], "moved to another workshop"))
        if change.get("prev_hash") != prev:
            problems.append(Problem("vote", change["id"], "previous hash does not match"))
        if not _change_matches(change, rows):
            problems.append(Problem("vote", change["id"], "entry changed after it was written"))
        prev = change["entry_hash"]
    seen: set[tuple[Any, Any, Any]] = set()
    for vote in rows.votes:
        key = (vote["round_id"], vote["proposal_id"], vote["participant_id"])
        trail = last.get(key)
        if key in seen:
            problems.append(Problem("vote-row", vote["id"], "vote listed twice"))
        seen.add(key)
        if trail is None:
            problems.append(Problem("vote-row", vote["id"], "vote has no audit entry"))
        elif (trail["new_value"], trail["source"]) != (vote["value"], vote["source"]):
            problems.append(
                Problem("vote-row", vote["id"], f"vote differs from audit entry #{trail['id']}")
            )
    # A vote is never deleted (a withdrawal sets 0): every trail ends in a vote row.
    for key, change in last.items():
        if key not in seen:
            problems.append(Problem("vote", change["id"], "audit entry has no vote"))
    return len(rows.changes), problems


def check_records(rows: ChainRows) -> tuple[int, list[Problem]]:
    """Recompute the record chain, and find each version's sealed vote chain head in the
    vote chain: a vote chain rewritten and re-hashed after a version was finalised no
    longer holds the head that version sealed."""
    problems: list[Problem] = []
    heads = {c.get("entry_hash") for c in rows.changes if c.get("entry_hash")}
    prev: str | None = None
    started = False
    for record in rows.records:
        if record.get("record_hash") is None and not started:
            continue
        started = True
        if record.get("record_hash") is None:
            problems.append(Problem("record", record["version"], "hash missing"))
            continue
        if record.get("workshop_id") != rows.workshop_id:
            problems.append(Problem("record", record["version"], "moved to another workshop"))
        if record.get("prev_hash") != prev:
            problems.append(Problem("record", record["version"], "previous hash does not match"))
        if not _record_matches(record, rows):
            problems.append(
                Problem("record", record["version"], "content changed after it was finalised")
            )
        prev = record["record_hash"]
        head = sealed_head(record)
        if head is not None and head not in heads:
            problems.append(
                Problem("record", record["version"], "sealed vote chain head not in the chain")
            )
    problems += _check_signatures(rows)
    return len(rows.records), problems


def _check_signatures(rows: ChainRows) -> list[Problem]:
    """Each record signature signs its finalised version's record hash."""
    from workshop.bundle import keys

    by_id = {r.get("id"): r for r in rows.records}
    problems = []
    for sig in rows.signatures:
        record = by_id.get(sig.get("record_id"))
        digest = record.get("record_hash") if record is not None else None
        ok = isinstance(digest, str) and keys.verify(
            str(sig.get("public_key")), str(sig.get("signature")), digest.encode("ascii")
        )
        if not ok:
            number = record["version"] if record is not None else sig.get("record_id")
            problems.append(Problem("record", number, "signature does not match"))
    return problems


def sealed_head(record: dict) -> str | None:
    """The vote chain head a finalised version sealed (None: no votes then, or none kept)."""
    audit = (record.get("content") or {}).get("audit")
    head = audit.get("vote_chain_head") if isinstance(audit, dict) else None
    return head if isinstance(head, str) else None


def check_chains(rows: ChainRows) -> tuple[dict, list[Problem]]:
    votes, vote_problems = check_votes(rows)
    records, record_problems = check_records(rows)
    return {"vote_changes": votes, "records": records}, vote_problems + record_problems


def verify_workshop(db: Session, workshop_id: int) -> tuple[dict, list[Problem]]:
    """Check one workshop's chains in this database."""
    return check_chains(ChainRows.from_db(db, workshop_id))


def verify_bundle_tables(tables: dict[str, list[dict]]) -> tuple[dict, list[Problem]]:
    """Check the chains of a bundle's workshop from its tables alone (no database)."""
    return check_chains(ChainRows.from_bundle(tables))
