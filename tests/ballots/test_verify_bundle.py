"""`workshop verify` on a bundle file and on a workshop imported from one.

The chains name rows by their `ref` (never by the integer ids an import renumbers), so a
meeting with tablet, card, paper and assisted votes, a co-facilitator's review and two
finalised record versions verifies in its own database, in the bundle file, and after the
import into another instance. A bundle edited after export fails, also when the editor
fixed the manifest's checksums.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from workshop import cli
from workshop.accounts.models import Invitation, Planner
from workshop.assessments import versions
from workshop.assessments.review import add_facilitator
from workshop.audit.chain import seal_record
from workshop.audit.checks import verify_workshop
from workshop.audit.payloads import ChainRows, legacy_change_payload, sha256_of
from workshop.ballots.cards import cancel_card, create_cards, use_card
from workshop.ballots.models import BallotCard, Population
from workshop.bundle import export_bundle, import_bundle
from workshop.db import Database
from workshop.proposals import service
from workshop.proposals.models import Proposal, VoteChange
from workshop.workshops.models import Participant, Workshop
from workshop.workshops.representativeness import set_population
from workshop.workshops.stages import advance_stage

from ..factories import make_participant, make_planner, make_workshop

OLD, YOUNG = "老年居民", "中青年居民"


def _meeting(db) -> int:  # type: ignore[no-untyped-def]
    """Tablet, card, paper and assisted votes; a review; two finalised versions."""
    ws = make_workshop(db, stage="proposals")
    a, b = (
        service.submit_proposal(db=db, workshop=ws, participant=None, title=t)
        for t in ("步道照明", "增设座椅")
    )
    advance_stage(db=db, workshop=ws)  # voting: the approval round opens
    lead = ws.planner
    cards = create_cards(db=db, workshop=ws, count=3, group=OLD)
    _, holder = use_card(db=db, code=cards[0].code)
    cancel_card(db=db, workshop=ws, card_id=cards[2].id)
    for person in (make_participant(db, ws, group=YOUNG) for _ in range(2)):
        service.cast_vote(db=db, workshop=ws, participant=person, proposal_id=a.id, value=1)
    service.cast_vote(db=db, workshop=ws, participant=holder, proposal_id=b.id, value=1)
    service.record_ballot(
        db=db, workshop=ws, planner=lead, source="paper", group=OLD, values={a.id: 1}
    )
    service.record_ballot(
        db=db,
        workshop=ws,
        planner=lead,
        source="assisted",
        group=OLD,
        values={a.id: 1},
        participant=holder,
    )
    co = make_planner(db, username="co-architect")
    add_facilitator(db=db, workshop=ws, by=lead, username="co-architect")
    set_population(db=db, workshop=ws, counts={OLD: 600, YOUNG: 400}, margin=0.1)
    while ws.stage != "closed":
        advance_stage(db=db, workshop=ws)
    versions.review_proposal(
        db=db,
        workshop=ws,
        planner=co,
        proposal_id=a.id,
        feasibility="feasible",
        cost_band="under_10k",
        priority="high",
        comment="可先做试点。",
    )
    versions.finalise(db=db, workshop=ws, planner=lead)
    versions.edit_record(
        db=db, workshop=ws, planner=lead, findings="补充。", recommendations="", goals=[], place=""
    )
    versions.finalise(db=db, workshop=ws, planner=lead)
    return ws.id


@pytest.fixture
def other(tmp_path: Path, template_db: Path):  # type: ignore[no-untyped-def]
    """A second instance that already holds a meeting, so imported ids all shift."""
    path = tmp_path / "other.db"
    shutil.copy(template_db, path)
    database = Database(f"sqlite:///{path}")
    with database.unit_of_work() as db:
        _meeting(db)
    yield database
    database.dispose()


@pytest.fixture
def bundle_file(database, tmp_path):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        ws_id = _meeting(db)
        data = export_bundle(db, db.get(Workshop, ws_id)).data
    path = tmp_path / "meeting.zip"
    path.write_bytes(data)
    return ws_id, path


def _changes_and_records(database: Database, ws_id: int) -> tuple[dict, list]:
    with database.unit_of_work(write=False) as db:
        return verify_workshop(db, ws_id)


def test_the_meeting_verifies_in_its_own_database(database, bundle_file):
    ws_id, _ = bundle_file
    checked, problems = _changes_and_records(database, ws_id)
    # 2 tablet + 1 card + 1 paper + 1 assisted vote; the two versions.
    assert checked == {"vote_changes": 5, "records": 2} and problems == []


def test_verify_passes_on_the_untouched_bundle(bundle_file, capsys):
    _, path = bundle_file
    assert cli.main(["verify", "--bundle", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"bundle {path} (workshop 资产地图与微更新议事会): OK (5 vote changes, 2 records)" in out


def test_verify_passes_on_the_imported_workshop(database, other, bundle_file, monkeypatch, capsys):
    ws_id, path = bundle_file
    with other.unit_of_work() as db:
        done = import_bundle(db, path.read_bytes())
    assert done.created and done.workshop_id != ws_id
    checked, problems = _changes_and_records(other, done.workshop_id)
    assert checked == {"vote_changes": 5, "records": 2} and problems == []
    # The ids really were renumbered: the chain does not rest on them.
    with database.unit_of_work(write=False) as db:
        before = list(db.scalars(select(VoteChange.id).where(VoteChange.workshop_id == ws_id)))
    with other.unit_of_work(write=False) as db:
        after = list(
            db.scalars(select(VoteChange.id).where(VoteChange.workshop_id == done.workshop_id))
        )
        # The record still names the imported proposals and the imported co-facilitator.
        record = versions.versions_of(db=db, workshop=db.get(Workshop, done.workshop_id))[-1]
        reviewed = record.content["reviews"][0]
        proposal = db.get(Proposal, reviewed["proposal_id"])
        assert proposal.workshop_id == done.workshop_id and proposal.title == "步道照明"
        reviewer = db.get(Planner, reviewed["reviews"][0]["planner_id"])
        # "co-architect" is an account here already: the bundle's one is never mapped
        # onto it, but becomes a disabled placeholder with an invitation under that name.
        assert reviewer.username != "co-architect" and reviewer.disabled_at is not None
        named = db.scalar(select(Invitation.named_as).where(Invitation.planner_id == reviewer.id))
        assert named == "co-architect"
    assert len(before) == len(after) == 5 and set(before).isdisjoint(after)
    monkeypatch.setattr(cli, "_database", lambda: other)
    assert cli.main(["verify"]) == 0
    out = capsys.readouterr().out
    assert f"workshop {done.workshop_id}: OK (5 vote changes, 2 records)" in out


def test_cards_and_population_travel_in_the_bundle(database, other, bundle_file):
    ws_id, path = bundle_file
    with database.unit_of_work(write=False) as db:
        codes = set(db.scalars(select(BallotCard.code)))
    with other.unit_of_work() as db:
        new_id = import_bundle(db, path.read_bytes()).workshop_id
    with other.unit_of_work(write=False) as db:
        cards = list(
            db.scalars(
                select(BallotCard)
                .where(BallotCard.workshop_id == new_id)
                .order_by(BallotCard.number)
            )
        )
        assert [(c.number, c.status, c.group) for c in cards] == [
            (1, "used", OLD),
            (2, "new", OLD),
            (3, "cancelled", OLD),
        ]
        # A card's code is a credential: the import makes fresh ones.
        assert codes.isdisjoint(c.code for c in cards)
        holder = db.get(Participant, cards[0].participant_id)
        assert holder.workshop_id == new_id and holder.group == OLD
        population = db.get(Population, new_id)
        assert (population.counts[OLD], population.counts[YOUNG]) == (600, 400)
        assert population.margin == 0.1


def _rewrite(path: Path, edit, *, fix_manifest: bool) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(members["manifest.json"])
    for name in list(members):
        if name.startswith("tables/"):
            rows = json.loads(members[name])
            if edit(name.removeprefix("tables/").removesuffix(".json"), rows):
                members[name] = json.dumps(rows, ensure_ascii=False).encode()
                if fix_manifest:
                    manifest["members"][name] = hashlib.sha256(members[name]).hexdigest()
    if fix_manifest:  # the forger drops the signature (it no longer verifies)
        members.pop("signature.json", None)
    members["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    path.write_bytes(buffer.getvalue())


def test_a_vote_changed_in_the_bundle_fails_even_with_fixed_checksums(bundle_file, capsys):
    _, path = bundle_file

    def flip_paper_vote(table: str, rows: list[dict]) -> bool:
        # Make the paper ballot a "no", in the vote row and its audit entry alike.
        for row in rows:
            if row.get("source") == "paper":
                row["new_value" if table == "vote_change" else "value"] = 0
        return table in ("vote", "vote_change")

    _rewrite(path, flip_paper_vote, fix_manifest=True)
    assert cli.main(["verify", "--bundle", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "entry changed after it was written" in out
    assert "vote-row" not in out  # the rows agree with the trail: only the chain shows it


def test_a_finalised_record_changed_in_the_bundle_fails(bundle_file, capsys):
    _, path = bundle_file

    def rewrite_findings(table: str, rows: list[dict]) -> bool:
        for row in rows:
            if table == "assessment_record" and row["version"] == 1:
                row["content"]["findings"] = "改过的结论"
        return table == "assessment_record"

    _rewrite(path, rewrite_findings, fix_manifest=True)
    assert cli.main(["verify", "--bundle", str(path)]) == 1
    assert "record #1: content changed after it was finalised" in capsys.readouterr().out


def test_a_bundle_edited_without_fixing_checksums_is_refused(bundle_file, capsys):
    _, path = bundle_file

    def zero_first_vote(table: str, rows: list[dict]) -> bool:
        if table == "vote":
            rows[0]["value"] = 0
        return table == "vote"

    _rewrite(path, zero_first_vote, fix_manifest=False)
    assert cli.main(["verify", "--bundle", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"bundle {path}: FAILED:" in out


def test_a_missing_bundle_file_is_an_error(tmp_path, capsys):
    assert cli.main(["verify", "--bundle", str(tmp_path / "nope.zip")]) == 2
    assert "nope.zip" in capsys.readouterr().err


def test_entries_hashed_before_refs_still_verify_in_their_database(database):
    """Chains written before revision 0009 hashed local ids; they stay valid here."""
    with database.unit_of_work() as db:
        ws_id = _meeting(db)
        rows = ChainRows.from_db(db, ws_id)
        prev = None
        for change in rows.changes:  # rewrite the chain as the old code wrote it
            change["prev_hash"] = prev
            digest = sha256_of(legacy_change_payload(change))
            db.get(VoteChange, change["id"]).prev_hash = prev
            db.get(VoteChange, change["id"]).entry_hash = digest
            prev = digest
        db.flush()
        # The finalised versions sealed that old chain's head (re-sealed, in order).
        finalised = sorted(
            (
                r
                for r in versions.versions_of(db=db, workshop=db.get(Workshop, ws_id))
                if r.finalised_at is not None
            ),
            key=lambda r: r.version,
        )
        for record in finalised:
            record.record_hash = None
        db.flush()
        for record in finalised:
            content = copy.deepcopy(record.content)
            content["audit"].pop("vote_chain_head")
            record.content = content
            seal_record(db, record)
    checked, problems = _changes_and_records(database, ws_id)
    assert checked["vote_changes"] == 5 and problems == []


def _clean_room_check(tables: dict[str, list[dict]]) -> bool:
    """docs/tamper-evidence.md, implemented from the text alone (no workshop code)."""
    from datetime import UTC, datetime

    def digest(obj: object) -> str:
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def utc(value: str | None) -> str | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="microseconds")

    ref = {n: {r["id"]: r["ref"] for r in tables[n]} for n in ("voting_round", "proposal")}
    ref["participant"] = {r["id"]: r["ref"] for r in tables["participant"]}
    user = {r["id"]: r["username"] for r in tables["planner"]}
    prev, last = None, {}
    for e in sorted(tables["vote_change"], key=lambda r: r["id"]):
        payload = {
            "v": 2,
            "round": ref["voting_round"][e["round_id"]],
            "proposal": ref["proposal"][e["proposal_id"]],
            "participant": ref["participant"][e["participant_id"]],
            "old_value": e["old_value"],
            "new_value": e["new_value"],
            "source": e["source"],
            "planner": user.get(e["planner_id"]),
            "created_at": utc(e["created_at"]),
            "prev_hash": prev,
        }
        if e["prev_hash"] != prev or digest(payload) != e["entry_hash"]:
            return False
        prev = e["entry_hash"]
        last[(e["round_id"], e["proposal_id"], e["participant_id"])] = e
    for v in tables["vote"]:
        e = last[(v["round_id"], v["proposal_id"], v["participant_id"])]
        if (e["new_value"], e["source"]) != (v["value"], v["source"]):
            return False
    prev = None
    finals = [r for r in tables["assessment_record"] if r["finalised_at"]]
    for r in sorted(finals, key=lambda r: r["version"]):
        content = json.loads(json.dumps(r["content"]))
        content["audit"]["record_hash"] = None
        content["workshop"]["id"] = content["community"]["id"] = None
        for p in content["proposals"]:
            p["proposal_id"] = ref["proposal"][p["proposal_id"]]
        for row in content["reviews"]:
            row["proposal_id"] = ref["proposal"][row["proposal_id"]]
            for review in row["reviews"]:
                review["planner_id"] = user[review["planner_id"]]
        content["adopted"] = [ref["proposal"][i] for i in content.get("adopted") or []]
        payload = {
            "v": 2,
            "version": r["version"],
            "finalised_at": utc(r["finalised_at"]),
            "prev_hash": prev,
            "content": content,
        }
        if r["prev_hash"] != prev or digest(payload) != r["record_hash"]:
            return False
        prev = r["record_hash"]
    return True


def test_the_documented_format_is_enough_to_check_a_bundle(bundle_file):
    _, path = bundle_file
    with zipfile.ZipFile(path) as z:
        tables = {
            n.removeprefix("tables/").removesuffix(".json"): json.loads(z.read(n))
            for n in z.namelist()
            if n.startswith("tables/")
        }
    assert _clean_room_check(tables)
    for row in tables["vote_change"]:
        if row["source"] == "assisted":
            row["new_value"] = 0
    assert not _clean_room_check(tables)
