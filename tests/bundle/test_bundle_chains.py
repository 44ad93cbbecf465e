"""Bundles keep every hash chain valid, and refuse any edit to what the chains cover.

A property test builds random meetings (0-400 vote changes, gaps in the ids, several
rounds, tablet/paper/assisted votes, merged proposals, finalised versions sealed midway),
exports each, imports it into an instance that already holds data, and verifies it there.
A mutation test edits one field of one vote, vote change, record or manifest entry at a
time (with the checksums fixed) and expects the import to refuse it, naming the entry.
"""

from __future__ import annotations

import copy
import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.ballots.test_verify_bundle import _meeting
from tests.factories import make_participant, make_planner, make_workshop
from workshop.assessments.models import AssessmentRecord
from workshop.audit.chain import append_change, seal_record
from workshop.audit.checks import verify_workshop
from workshop.bundle import export_bundle, import_bundle
from workshop.bundle.models import WorkshopOrigin
from workshop.bundle.service import read_bundle
from workshop.db import Database, utcnow
from workshop.errors import Invalid
from workshop.i18n import t, use_locale
from workshop.proposals.models import Proposal, Vote, VoteChange, VotingRound
from workshop.workshops.models import Workshop

SOURCES = ("tablet", "paper", "assisted")


@pytest.fixture(scope="module")
def holding_data(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    """A database file that already holds a meeting: imported ids all shift."""
    path = tmp_path_factory.mktemp("holding") / "holding.db"
    shutil.copy(template_db, path)
    database = Database(f"sqlite:///{path}")
    with database.unit_of_work() as db:
        _meeting(db)
    database.dispose()
    return path


def _fresh(source: Path, folder: Path, name: str) -> Database:
    path = folder / name
    shutil.copy(source, path)
    return Database(f"sqlite:///{path}")


meetings = st.fixed_dictionaries(
    {
        "rounds": st.integers(1, 3),
        "proposals": st.integers(1, 6),
        "people": st.integers(1, 12),
        "merged": st.integers(0, 2),
        # (round, proposal, person, value, source, a change in another workshop first)
        "changes": st.lists(
            st.tuples(
                st.integers(0, 2),
                st.integers(0, 5),
                st.integers(0, 11),
                st.integers(0, 1),
                st.sampled_from(SOURCES),
                st.booleans(),
            ),
            max_size=400,
        ),
        "seal_at": st.lists(st.integers(0, 400), max_size=3),
    }
)


def _build(db, spec: dict) -> int:  # type: ignore[no-untyped-def]
    """Write a meeting as the vote path does (votes with their hash-chained audit trail)."""
    ws = make_workshop(db)
    noise = make_workshop(db, community=ws.community, planner=ws.planner)
    lead = ws.planner
    helper = make_planner(db, username=f"helper{ws.id}")
    rounds = [VotingRound(workshop_id=ws.id, status="closed") for _ in range(spec["rounds"])]
    noise_round = VotingRound(workshop_id=noise.id, status="closed")
    proposals = [Proposal(workshop_id=ws.id, title=f"提案{i}") for i in range(spec["proposals"])]
    db.add_all([*rounds, noise_round, *proposals])
    db.flush()
    for i in range(min(spec["merged"], len(proposals) - 1)):
        proposals[i].status, proposals[i].merged_into_id = "merged", proposals[-1].id
    people = [make_participant(db, ws) for _ in range(spec["people"])]
    stranger = make_participant(db, noise)
    votes: dict[tuple[int, int, int], Vote] = {}
    seal_at = sorted(set(spec["seal_at"]))
    version = 0
    when = utcnow()

    def seal() -> None:
        nonlocal version
        version += 1
        record = AssessmentRecord(
            workshop_id=ws.id,
            version=version,
            content={"proposals": [{"proposal_id": p.id} for p in proposals], "audit": {}},
            finalised_at=utcnow(),
            finalised_by_id=lead.id,
        )
        db.add(record)
        db.flush()
        seal_record(db, record)

    for n, (r, p, who, value, source, noisy) in enumerate(spec["changes"]):
        if seal_at and seal_at[0] == n:
            seal_at.pop(0)
            seal()
        if noisy:  # another workshop's change in between: gaps in this chain's ids
            append_change(
                db,
                noise.id,
                round_id=noise_round.id,
                proposal_id=proposals[0].id,
                participant_id=stranger.id,
                new_value=1,
            )
        key = (r % len(rounds), p % len(proposals), who % len(people))
        vote = votes.get(key)
        old = vote.value if vote is not None else None
        if vote is None:
            vote = votes[key] = Vote(
                round_id=rounds[key[0]].id,
                proposal_id=proposals[key[1]].id,
                participant_id=people[key[2]].id,
                value=value,
                source=source,
            )
            db.add(vote)
        else:
            vote.value, vote.source = value, source
        when += timedelta(seconds=1)
        append_change(
            db,
            ws.id,
            round_id=vote.round_id,
            proposal_id=vote.proposal_id,
            participant_id=vote.participant_id,
            old_value=old,
            new_value=value,
            source=source,
            planner_id=(lead if source == "paper" else helper).id if source != "tablet" else None,
            created_at=when,
        )
    for _ in seal_at or ([] if version else [0]):
        seal()
    db.flush()
    return ws.id


def _trail(db, workshop_id: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The chain as ids never show it: (hash, previous hash), in id order."""
    return list(
        db.execute(
            select(VoteChange.entry_hash, VoteChange.prev_hash)
            .where(VoteChange.workshop_id == workshop_id)
            .order_by(VoteChange.id)
        )
    )


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=meetings)
def test_any_meeting_verifies_after_export_and_import(
    spec, template_db, holding_data, tmp_path_factory
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("meeting")
    source = _fresh(template_db, folder, "source.db")
    target = _fresh(holding_data, folder, "target.db")
    try:
        with source.unit_of_work() as db:
            ws_id = _build(db, spec)
            data = export_bundle(db, db.get(Workshop, ws_id)).data
            trail = _trail(db, ws_id)
            assert verify_workshop(db, ws_id)[1] == []
        with target.unit_of_work() as db:
            done = import_bundle(db, data)
        assert done.created
        with target.unit_of_work(write=False) as db:
            checked, problems = verify_workshop(db, done.workshop_id)
            assert problems == []
            assert checked["vote_changes"] == len(spec["changes"])
            assert _trail(db, done.workshop_id) == trail
            # Exported again from here, the bundle's rows come out in the same order.
            again = export_bundle(db, db.get(Workshop, done.workshop_id)).data
        first, second = (read_bundle(d)[1] for d in (data, again))
        assert [r["entry_hash"] for r in first["vote_change"]] == [
            r["entry_hash"] for r in second["vote_change"]
        ]
        assert [r["ref"] for r in first["proposal"]] == [r["ref"] for r in second["proposal"]]
    finally:
        source.dispose()
        target.dispose()


# --- single-field mutations ---------------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes]:
    """The bundle's files, less its signature: these checks hold for an unsigned bundle
    (a signed one is refused at its signature first: test_signatures.py)."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "signature.json"}


def _zip(members: dict[str, bytes], *, fix_checksums: bool = True) -> bytes:
    import hashlib
    import io

    manifest = json.loads(members["manifest.json"])
    if fix_checksums:
        for name, blob in members.items():
            if name != "manifest.json":
                manifest["members"][name] = hashlib.sha256(blob).hexdigest()
    members = {**members, "manifest.json": json.dumps(manifest).encode()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return out.getvalue()


def _other_value(value, column: str, rows: list[dict]):  # type: ignore[no-untyped-def]
    """A different value of the same kind (an id: another row's)."""
    if column == "id":
        others = [r["id"] for r in rows if r["id"] != value]
        return others[0] if others else value + 1000
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return 1
    if isinstance(value, str):
        if len(value) == 64:  # a hash: same shape, other digits
            return ("0" if value[0] != "0" else "1") + value[1:]
        if value[:4].isdigit():  # a time: a second later
            return value[:18] + str((int(value[18]) + 1) % 10) + value[19:]
        return value + "x"
    if isinstance(value, dict):
        changed = copy.deepcopy(value)
        changed["tampered"] = True
        return changed
    raise AssertionError(f"no mutation for {column}={value!r}")


# Not covered by any chain (the chains prove votes, not bookkeeping): caught on a signed
# bundle by the manifest's signature (test_signatures.py).
UNCHAINED = {
    "vote": {"created_at", "updated_at"},
    "vote_change": set(),
    "assessment_record": {"id", "created_at", "finalised_by_id"},
}


@pytest.fixture(scope="module")
def meeting_bundle(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> bytes:
    database = _fresh(template_db, tmp_path_factory.mktemp("m"), "meeting.db")
    with database.unit_of_work() as db:
        ws_id = _meeting(db)
        data = export_bundle(db, db.get(Workshop, ws_id)).data
    database.dispose()
    return data


def _mutations(data: bytes):  # type: ignore[no-untyped-def]
    members = _members(data)
    for table in ("vote", "vote_change", "assessment_record"):
        rows = json.loads(members[f"tables/{table}.json"])
        for i, row in enumerate(rows):
            if table == "assessment_record" and not row.get("finalised_at"):
                continue  # a draft is not sealed: the planner may still edit it
            for column in row:
                if column in UNCHAINED[table]:
                    continue
                changed = copy.deepcopy(rows)
                changed[i][column] = _other_value(row[column], column, rows)
                blob = json.dumps(changed, ensure_ascii=False).encode()
                yield f"{table}[{i}].{column}", {**members, f"tables/{table}.json": blob}


def test_every_single_field_mutation_is_refused(meeting_bundle, template_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = _fresh(template_db, tmp_path, "target.db")
    tried = 0
    try:
        for label, members in _mutations(meeting_bundle):
            tried += 1
            with pytest.raises(Invalid) as refused, target.unit_of_work() as db:
                import_bundle(db, _zip(members))
            assert refused.value.key.startswith("bundle."), label
        with target.unit_of_work(write=False) as db:
            assert db.scalar(select(func.count()).select_from(Workshop)) == 0
            assert db.scalar(select(func.count()).select_from(WorkshopOrigin)) == 0
    finally:
        target.dispose()
    assert tried > 60  # 5 votes, 5 changes, 2 finalised versions, every column


@pytest.mark.parametrize(
    "field, value, key",
    [
        ("counts", {}, "bundle.count_mismatch"),
        ("counts.vote", 0, "bundle.count_mismatch"),
        ("counts.photos", 3, "bundle.count_mismatch"),
        ("members.tables/vote.json", "0" * 64, "bundle.checksum"),
        ("workshop_title", "别的会议", "bundle.manifest_mismatch"),
        ("format_version", 9, "bundle.unknown_version"),
        ("format", "zip", "bundle.no_manifest"),
        ("workshop_uid", "", "bundle.no_manifest"),
    ],
)
def test_manifest_entries_are_checked(meeting_bundle, field, value, key) -> None:  # type: ignore[no-untyped-def]
    members = _members(meeting_bundle)
    manifest = json.loads(members["manifest.json"])
    name, _, sub = field.partition(".")
    if sub:
        manifest[name][sub] = value
    else:
        manifest[name] = value
    members["manifest.json"] = json.dumps(manifest).encode()
    with pytest.raises(Invalid) as refused:
        read_bundle(_zip(members, fix_checksums=False))
    assert refused.value.key == key


def test_a_forgery_names_the_entry_and_does_not_block_the_original(
    meeting_bundle, template_db, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """One vote rewritten and every later hash recomputed: the sealed head gives it away."""
    from workshop.audit.payloads import ChainRows, change_payload, sha256_of

    members = _members(meeting_bundle)
    tables = read_bundle(meeting_bundle)[1]
    changes = sorted(tables["vote_change"], key=lambda r: r["id"])
    votes = tables["vote"]
    first = changes[0]
    first["new_value"] = 0
    for vote in votes:
        if (vote["round_id"], vote["proposal_id"], vote["participant_id"]) == (
            first["round_id"],
            first["proposal_id"],
            first["participant_id"],
        ):
            vote["value"] = 0
    rows = ChainRows.from_bundle(tables)
    prev = None
    for change in changes:
        change["prev_hash"] = prev
        change["entry_hash"] = prev = sha256_of(change_payload(change, rows))
    members["tables/vote_change.json"] = json.dumps(changes, ensure_ascii=False).encode()
    members["tables/vote.json"] = json.dumps(votes, ensure_ascii=False).encode()
    target = _fresh(template_db, tmp_path, "target.db")
    try:
        with pytest.raises(Invalid) as refused, target.unit_of_work() as db:
            import_bundle(db, _zip(members))
        assert refused.value.key == "bundle.chain_broken"
        with use_locale("en"):
            message = t(refused.value.key, **refused.value.params)
        assert "Finalised version #1" in message and "sealed" in message
        with use_locale("zh-CN"):
            assert "定稿版本 #1" in t(refused.value.key, **refused.value.params)
        with target.unit_of_work() as db:  # the genuine bundle still imports
            assert import_bundle(db, meeting_bundle).created
    finally:
        target.dispose()


@pytest.mark.parametrize("target_db", ["fresh", "holding"])
def test_the_demo_meeting_travels_and_verifies(
    target_db, template_db, holding_data, tmp_path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: the demo's finished meeting (40 vote changes, ids past 9), exported,
    imported elsewhere, and `workshop verify` there says OK."""
    from workshop import cli

    source = _fresh(template_db, tmp_path, "laptop.db")
    target = _fresh(template_db if target_db == "fresh" else holding_data, tmp_path, "city.db")
    try:
        with source.unit_of_work() as db:
            cli.load_demo(db)
            finished = db.scalar(select(Workshop).where(Workshop.stage == "closed"))
            data = export_bundle(db, finished).data
        with target.unit_of_work() as db:
            done = import_bundle(db, data)
        with target.unit_of_work(write=False) as db:
            checked, problems = verify_workshop(db, done.workshop_id)  # the record page's check
        assert problems == [] and checked == {"vote_changes": 40, "records": 1}
        monkeypatch.setattr(cli, "_database", lambda: target)
        assert cli.main(["verify", "--workshop", str(done.workshop_id)]) == 0
        assert "OK (40 vote changes, 1 records)" in capsys.readouterr().out
    finally:
        source.dispose()
        target.dispose()


def test_a_refusal_from_the_worker_process_keeps_its_message(meeting_bundle) -> None:  # type: ignore[no-untyped-def]
    """The upload verifies in a worker process; its refusal arrives whole (entry named)."""
    from workshop.bundle.service import prepare_import_elsewhere

    members = _members(meeting_bundle)
    rows = json.loads(members["tables/vote_change.json"])
    rows[0]["new_value"] = 5
    members["tables/vote_change.json"] = json.dumps(rows).encode()
    with pytest.raises(Invalid) as refused:
        prepare_import_elsewhere(_zip(members))
    with use_locale("en"):
        message = t(refused.value.key, **refused.value.params)
    assert f"Vote change #{rows[0]['id']}: changed after it was written" in message
    assert prepare_import_elsewhere(meeting_bundle).title == "资产地图与微更新议事会"
