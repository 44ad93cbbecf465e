"""Checking the hash chains: every vote change and finalised record links and hashes as
written, every vote row matches its last change, every sealed head is in its chain, and
signatures match; on this database (`verify_workshop`) or a bundle (`verify_bundle_tables`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from workshop.audit.payloads import (
    ChainRows,
    change_payload,
    legacy_change_payload,
    legacy_record_payload,
    record_payload,
    sha256_of,
)

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
    return rows.legacy_ok and sha256_of(legacy_change_payload(change)) == change["entry_hash"]


def _record_matches(record: dict, rows: ChainRows) -> bool:
    content = record.get("content") or {}
    if sha256_of(record_payload(record, content, rows)) == record["record_hash"]:
        return True
    return rows.legacy_ok and (
        sha256_of(legacy_record_payload(record, content)) == record["record_hash"]
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
