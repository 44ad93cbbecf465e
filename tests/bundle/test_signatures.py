"""Signatures: each instance's Ed25519 key signs its bundles and finalised records; the city
enrols laptop keys and every import says plainly whose key signed it."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.ballots.test_verify_bundle import _meeting
from tests.bundle.test_bundle_chains import UNCHAINED, _other_value
from tests.factories import make_planner
from workshop import cli
from workshop.audit.checks import verify_workshop
from workshop.bundle import export_bundle, import_bundle, keys
from workshop.bundle.models import WorkshopOrigin
from workshop.bundle.service import read_signed_bundle
from workshop.bundle.trust import enrol, revoke
from workshop.db import Database
from workshop.errors import Invalid
from workshop.workshops.models import Workshop


@pytest.fixture
def laptop_key(tmp_path: Path) -> keys.InstanceKey:
    return keys.load_or_create(tmp_path / "laptop")


@pytest.fixture
def signed(laptop_key: keys.InstanceKey, template_db: Path, tmp_path: Path, monkeypatch) -> bytes:  # type: ignore[no-untyped-def]
    """A meeting finalised and exported on the laptop (its key signs records and bundle)."""
    shutil.copy(template_db, tmp_path / "laptop.db")
    laptop = Database(f"sqlite:///{tmp_path / 'laptop.db'}")
    with monkeypatch.context() as patch:
        patch.setattr(keys, "_active", laptop_key)
        with laptop.unit_of_work() as db:
            ws_id = _meeting(db)
            data = export_bundle(db, db.get(Workshop, ws_id)).data
    laptop.dispose()
    return data


@pytest.fixture
def city(tmp_path: Path, template_db: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "city.db"
    shutil.copy(template_db, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def test_the_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = keys.load_or_create(tmp_path)
    again = keys.load_or_create(tmp_path)
    assert first.fingerprint == again.fingerprint and len(first.fingerprint) == 64
    mode = stat.S_IMODE((tmp_path / keys.KEY_FILE).stat().st_mode)
    assert mode == 0o600
    assert first.short == " ".join(first.fingerprint[i : i + 4].upper() for i in range(0, 16, 4))


def test_the_bundle_and_each_finalised_record_are_signed(signed, laptop_key, database) -> None:  # type: ignore[no-untyped-def]
    manifest, tables, _photos, signer = read_signed_bundle(signed)
    assert signer == laptop_key.fingerprint
    signatures = tables["record_signature"]
    finalised = [r for r in tables["assessment_record"] if r["finalised_at"]]
    assert len(signatures) == len(finalised) == 2
    for sig in signatures:
        record = next(r for r in finalised if r["id"] == sig["record_id"])
        assert keys.verify(sig["public_key"], sig["signature"], record["record_hash"].encode())
        assert sig["public_key"] == laptop_key.public_b64
    assert manifest["counts"]["record_signature"] == 2


def _state_after_import(city: Database, data: bytes) -> tuple[str, str | None]:
    with city.unit_of_work() as db:
        done = import_bundle(db, data)
    with city.unit_of_work(write=False) as db:
        origin = db.get(WorkshopOrigin, done.workshop_id)
        assert verify_workshop(db, done.workshop_id)[1] == []
        return origin.signature_state, origin.signer


@pytest.mark.parametrize("state", ["unknown", "trusted", "revoked"])
def test_the_import_says_whose_key_signed_it(signed, laptop_key, city, state) -> None:  # type: ignore[no-untyped-def]
    if state != "unknown":
        with city.unit_of_work() as db:
            admin = make_planner(db)
            key = enrol(db=db, by=admin, fingerprint=laptop_key.short.lower(), label="王工的电脑")
            if state == "revoked":
                revoke(db=db, key_id=key.id)
    assert _state_after_import(city, signed) == (state, laptop_key.fingerprint)


def test_an_unsigned_bundle_says_so(signed, city) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(signed)) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "signature.json"}
    assert _state_after_import(city, _zip(members)) == ("unsigned", None)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return out.getvalue()


def _fix_checksums(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    for name, blob in members.items():
        if name.startswith(("tables/", "photos/")):
            manifest["members"][name] = hashlib.sha256(blob).hexdigest()
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()


def test_a_signed_bundle_refuses_what_no_chain_covers(signed, city) -> None:  # type: ignore[no-untyped-def]
    """Timestamps and bookkeeping columns, every manifest entry: the signature covers all."""
    with zipfile.ZipFile(io.BytesIO(signed)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    edits = []
    for table, columns in UNCHAINED.items():
        rows = json.loads(members[f"tables/{table}.json"])
        for column in columns:
            changed = [dict(r) for r in rows]
            changed[0][column] = _other_value(rows[0][column], column, rows)
            edits.append({f"tables/{table}.json": json.dumps(changed).encode()})
    manifest = json.loads(members["manifest.json"])
    for field in ("created", "app_version", "workshop_uid", "format_version"):
        changed = dict(manifest)
        changed[field] = "x" if field != "format_version" else 2
        edits.append({"manifest.json": json.dumps(changed, indent=2).encode()})
    for edit in edits:
        tampered = {**members, **edit}
        if "manifest.json" not in edit:
            _fix_checksums(tampered)
        with pytest.raises(Invalid) as refused, city.unit_of_work() as db:
            import_bundle(db, _zip(tampered))
        assert refused.value.key == "bundle.bad_signature", edit.keys()
    with city.unit_of_work(write=False) as db:
        assert db.scalar(select(WorkshopOrigin)) is None


def test_a_changed_record_signature_is_named(signed, city) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(signed)) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "signature.json"}
    rows = json.loads(members["tables/record_signature.json"])
    rows[0]["signature"] = rows[1]["signature"]
    members["tables/record_signature.json"] = json.dumps(rows).encode()
    _fix_checksums(members)
    with pytest.raises(Invalid) as refused, city.unit_of_work() as db:
        import_bundle(db, _zip(members))
    assert refused.value.key == "bundle.chain_broken"
    assert refused.value.params["reason"].key == "verify.signature_bad"


def test_verify_checks_the_paper_record_hash(signed, laptop_key, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "meeting.zip"
    path.write_bytes(signed)
    tables = read_signed_bundle(signed)[1]
    latest = max(
        (r for r in tables["assessment_record"] if r["finalised_at"]), key=lambda r: r["version"]
    )
    printed = " ".join(latest["record_hash"][i : i + 8] for i in range(0, 64, 8)).upper()
    assert cli.main(["verify", "--bundle", str(path), "--record-hash", printed]) == 0
    out = capsys.readouterr().out
    assert f"matches finalised version {latest['version']}" in out
    assert laptop_key.short in out
    assert cli.main(["verify", "--bundle", str(path), "--record-hash", "ab" * 32]) == 1
    assert "no finalised version has record hash" in capsys.readouterr().out


def test_console_shows_the_fingerprint_and_the_bundles_page(
    signed, planner_client, app, laptop_key, database
) -> None:  # type: ignore[no-untyped-def]
    home = planner_client.get("/console").text
    short = app.state.instance_key.short
    assert short in home and 'href="/console/bundles"' in home
    data = signed  # made on a laptop, signed by its key
    page = planner_client.get("/console/bundles")
    assert page.status_code == 200 and short in page.text
    # Only the city administrator enrols laptop keys (a planner does not even see the form).
    assert 'action="/console/bundles/keys"' not in page.text
    refused = planner_client.post(
        "/console/bundles/keys", data={"fingerprint": laptop_key.short}, follow_redirects=False
    )
    assert refused.status_code == 404
    from workshop.accounts.models import Planner

    with database.unit_of_work() as db:
        db.get(Planner, planner_client.planner.id).role = "city_admin"
    enrolled = planner_client.post(
        "/console/bundles/keys",
        data={"fingerprint": laptop_key.short, "label": "王工的电脑"},
        follow_redirects=False,
    )
    assert enrolled.status_code == 303
    bad = planner_client.post(
        "/console/bundles/keys",
        data={"fingerprint": "not hex"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422 and "十六进制" in bad.json()["detail"]
    done = planner_client.post(
        "/console/bundles/import", files={"file": ("m.zip", data, "application/zip")}
    )
    assert done.status_code == 200
    assert "已导入工作坊" in done.text
    assert (
        "签名有效，来自已登记的电脑" in done.text
        and laptop_key.fingerprint[:16].upper() in done.text
    )
    again = planner_client.post(
        "/console/bundles/import", files={"file": ("m.zip", data, "application/zip")}
    )
    assert "已经导入过" in again.text


def test_the_printed_report_carries_the_record_hash_and_fingerprint(
    database, laptop_key, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Text and QR, in the HTML/PDF report and as text in the .docx."""
    from workshop.assessments.service import latest_record
    from workshop.assessments.versions import current_content
    from workshop.reports import report_docx, report_html
    from workshop.reports.anchor import grouped, qr_payload

    monkeypatch.setattr(keys, "_active", laptop_key)
    with database.unit_of_work() as db:
        ws = db.get(Workshop, _meeting(db))
        record = latest_record(db=db, workshop=ws)
        content = current_content(db=db, workshop=ws, record=record)
        html = report_html(content, for_pdf=True)
        docx = report_docx(content)
    digest = record.record_hash
    assert content["audit"]["key_fingerprint"] == laptop_key.fingerprint
    assert 'data-testid="record-anchor"' in html and "<svg" in html
    assert grouped(digest) in html and laptop_key.short in html
    assert qr_payload(digest, laptop_key.fingerprint).startswith("WORKSHOP-RECORD sha256:")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert grouped(digest) in text and laptop_key.short in text
