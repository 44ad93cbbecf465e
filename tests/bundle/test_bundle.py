"""Workshop bundles: round trip between two fresh databases, no duplicates, refusals."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.reports.seed import seed_workshop
from workshop.accounts.models import Planner
from workshop.assessments.service import latest_record
from workshop.assessments.versions import current_content
from workshop.assets.models import Asset
from workshop.bundle import export_bundle, import_bundle
from workshop.bundle.service import BUNDLE_TABLES, FORMAT_VERSION
from workshop.db import Database
from workshop.errors import Invalid
from workshop.proposals.models import Vote
from workshop.reports import report_docx, report_html
from workshop.workshops.models import Participant, Workshop


@pytest.fixture
def other(tmp_path: Path, template_db: Path):  # type: ignore[no-untyped-def]
    """A second, fresh instance (SQLite), as on another laptop."""
    path = tmp_path / "other.db"
    shutil.copy(template_db, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def _report(database: Database, workshop_id: int) -> str:
    with database.unit_of_work(write=False) as db:
        workshop = db.get(Workshop, workshop_id)
        record = latest_record(db=db, workshop=workshop)
        return report_html(current_content(db=db, workshop=workshop, record=record))


def _docx_text(database: Database, workshop_id: int) -> str:
    from docx import Document

    with database.unit_of_work(write=False) as db:
        workshop = db.get(Workshop, workshop_id)
        record = latest_record(db=db, workshop=workshop)
        data = report_docx(current_content(db=db, workshop=workshop, record=record))
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def _jpeg_with_gps() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0)}  # GPSInfo: where the resident stood
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def exported(database: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "abc123.jpg").write_bytes(_jpeg_with_gps())
    with database.unit_of_work() as db:
        workshop = seed_workshop(db, n_assets=30, n_proposals=5, n_participants=9)
        first = db.scalars(select(Asset).where(Asset.workshop_id == workshop.id)).first()
        first.photo = "abc123.jpg"
        bundle = export_bundle(db, workshop, photos_dir=photos)
        tokens = [p.token for p in db.scalars(select(Participant))]
        nicknames = [p.nickname for p in db.scalars(select(Participant)) if p.nickname]
        return workshop.id, bundle, tokens, nicknames


def test_round_trip_gives_the_same_report(database, other, exported, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws_id, bundle, _, _ = exported
    target_photos = tmp_path / "target-photos"
    with other.unit_of_work() as db:
        done = import_bundle(db, bundle.data, photos_dir=target_photos)
    assert done.created
    assert _report(database, ws_id) == _report(other, done.workshop_id)
    assert _docx_text(database, ws_id) == _docx_text(other, done.workshop_id)
    # Re-encoded as an upload is, under a fresh name: no EXIF, no GPS.
    with other.unit_of_work(write=False) as db:
        photo = db.scalar(select(Asset.photo).where(Asset.photo.is_not(None)))
    assert photo != "abc123.jpg" and list(target_photos.iterdir()) == [target_photos / photo]
    from PIL import Image

    with Image.open(target_photos / photo) as image:
        assert image.format == "JPEG" and not image.getexif()
    with other.unit_of_work(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Vote)) == 5 * 9
        assert db.scalar(select(func.count()).select_from(Asset)) == 30
        # with no owner named, the bundle's planner is a disabled placeholder (no login)
        assert all(
            p.password_hash == "!invited" and p.disabled_at is not None
            for p in db.scalars(select(Planner))
        )


def test_importing_twice_does_not_duplicate(database, other, exported) -> None:  # type: ignore[no-untyped-def]
    _, bundle, _, _ = exported
    with other.unit_of_work() as db:
        first = import_bundle(db, bundle.data)
    with other.unit_of_work() as db:
        second = import_bundle(db, bundle.data)
    assert not second.created and second.workshop_id == first.workshop_id
    with other.unit_of_work(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Workshop)) == 1
    # re-exporting an imported workshop keeps its uid
    with other.unit_of_work() as db:
        again = export_bundle(db, db.get(Workshop, first.workshop_id))
    assert again.manifest["workshop_uid"] == bundle.manifest["workshop_uid"]


def test_manifest_and_pseudonyms(exported) -> None:  # type: ignore[no-untyped-def]
    _, bundle, tokens, nicknames = exported
    z = zipfile.ZipFile(io.BytesIO(bundle.data))
    manifest = json.loads(z.read("manifest.json"))
    assert manifest["format_version"] == FORMAT_VERSION and manifest["counts"]["asset"] == 30
    for name, digest in manifest["members"].items():
        assert hashlib.sha256(z.read(name)).hexdigest() == digest
    assert {f"tables/{t}.json" for t, _ in BUNDLE_TABLES} <= set(manifest["members"])
    everything = b"".join(z.read(n) for n in z.namelist()).decode("utf-8", "replace")
    assert tokens and not any(t in everything for t in tokens)
    assert nicknames and not any(f'"{n}"' in everything for n in nicknames)
    assert "password_hash" not in everything
    participants = json.loads(z.read("tables/participant.json"))
    pseudonyms = {p["id"] for p in participants}
    assert pseudonyms == {f"P{i:04d}" for i in range(1, 10)}
    votes = json.loads(z.read("tables/vote.json"))
    assert {v["participant_id"] for v in votes} == pseudonyms  # the same key in every table


def _rezip(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return out.getvalue()


def _tamper_vote(members: dict) -> None:
    votes = json.loads(members["tables/vote.json"])
    votes[0]["value"] = 99
    members["tables/vote.json"] = json.dumps(votes).encode()


def _bad_version(members: dict) -> None:
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = 99
    members["manifest.json"] = json.dumps(manifest).encode()


def _traversal(members: dict) -> None:
    members["../../etc/evil.json"] = b"{}"


def _bomb(members: dict) -> None:
    members["photos/bomb.jpg"] = b"\0" * (20 * 1024 * 1024)


def _html_photo(members: dict) -> None:
    members["photos/abc123.jpg"] = b"<html><script>alert(1)</script></html>"
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["photos/abc123.jpg"] = hashlib.sha256(
        members["photos/abc123.jpg"]
    ).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()


def _bad_geometry(members: dict) -> None:
    assets = json.loads(members["tables/asset.json"])
    assets[0]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],  # a bow tie
    }
    blob = json.dumps(assets).encode()
    members["tables/asset.json"] = blob
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["tables/asset.json"] = hashlib.sha256(blob).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (_tamper_vote, "bundle.checksum"),
        (_bad_version, "bundle.unknown_version"),
        (_traversal, "bundle.bad_member"),
        (_bomb, "bundle.too_large"),
        (_bad_geometry, "bundle.bad_geometry"),
        (_html_photo, "bundle.bad_photo"),
        (lambda m: m.pop("manifest.json"), "bundle.no_manifest"),
        (lambda m: m.pop("tables/vote.json"), "bundle.checksum"),
    ],
)
def test_bad_bundles_are_refused_and_change_nothing(other, exported, change, key) -> None:  # type: ignore[no-untyped-def]
    _, bundle, _, _ = exported
    bad = _rezip(bundle.data, change)
    before = _row_counts(other)
    with pytest.raises(Invalid) as caught, other.unit_of_work() as db:
        import_bundle(db, bad)
    assert caught.value.key == key
    from workshop.i18n import t

    message = t(key, **caught.value.params)
    assert "未导入" in message or "拒绝" in message
    assert "{" not in message  # every placeholder filled
    assert _row_counts(other) == before  # not a row in any table


def _row_counts(database: Database) -> dict[str, int]:
    from workshop import models  # every table registered
    from workshop.db import Base

    assert models.__name__
    with database.unit_of_work(write=False) as db:
        return {
            name: db.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()
        }


@pytest.mark.parametrize("cut", [0, 10, 1000, -200])
def test_truncated_or_garbage_is_refused(other, exported, cut) -> None:  # type: ignore[no-untyped-def]
    _, bundle, _, _ = exported
    data = bundle.data[:cut] if cut else b"not a zip at all"
    with pytest.raises(Invalid), other.unit_of_work() as db:
        import_bundle(db, data)
    with other.unit_of_work(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Workshop)) == 0


def test_failure_midway_rolls_everything_back(other, exported) -> None:  # type: ignore[no-untyped-def]
    """A row that does not fit the schema (checksums recomputed) leaves no trace."""
    _, bundle, _, _ = exported

    def break_vote_reference(members: dict) -> None:
        votes = json.loads(members["tables/vote.json"])
        votes[-1]["proposal_id"] = 987654
        blob = json.dumps(votes).encode()
        members["tables/vote.json"] = blob
        manifest = json.loads(members["manifest.json"])
        manifest["members"]["tables/vote.json"] = hashlib.sha256(blob).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()

    bad = _rezip(bundle.data, break_vote_reference)
    with pytest.raises(Invalid), other.unit_of_work() as db:
        import_bundle(db, bad)
    with other.unit_of_work(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Workshop)) == 0
        assert db.scalar(select(func.count()).select_from(Asset)) == 0


def test_console_download_and_upload(planner_client, database) -> None:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as db:
        planner = db.get(Planner, planner_client.planner.id)
        ws_id = seed_workshop(db, n_assets=6, planner=planner).id
    page = planner_client.get(f"/console/workshops/{ws_id}").text
    assert "下载工作坊包" in page and 'action="/console/bundles/import"' in page
    zipped = planner_client.get(f"/console/workshops/{ws_id}/bundle.zip")
    assert zipped.headers["content-type"] == "application/zip"
    again = planner_client.get(f"/console/workshops/{ws_id}/bundle.zip")
    uid = json.loads(zipfile.ZipFile(io.BytesIO(zipped.content)).read("manifest.json"))
    uid2 = json.loads(zipfile.ZipFile(io.BytesIO(again.content)).read("manifest.json"))
    assert uid["workshop_uid"] == uid2["workshop_uid"]
    # the same instance already has it: no duplicate
    response = planner_client.post(
        "/console/bundles/import",
        files={"file": ("b.zip", zipped.content, "application/zip")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with database.unit_of_work(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Workshop)) == 1
    bad = planner_client.post(
        "/console/bundles/import",
        files={"file": ("b.zip", zipped.content[:500], "application/zip")},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422
    assert "未导入任何内容" in bad.json()["detail"]


def test_cli_export_and_import(database, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from workshop import cli

    with database.unit_of_work() as db:
        ws_id = seed_workshop(db, n_assets=5).id
    monkeypatch.setattr(cli, "_database", lambda: database)
    target = tmp_path / "w.zip"
    assert cli.main(["export-bundle", str(ws_id), str(target)]) == 0
    assert "已导出" in capsys.readouterr().out
    assert cli.main(["import-bundle", str(target)]) == 0
    assert "已经导入过" in capsys.readouterr().out
    target.write_bytes(target.read_bytes()[:100])
    assert cli.main(["import-bundle", str(target)]) == 1
    assert "未导入任何内容" in capsys.readouterr().err


def test_an_imported_planner_gets_a_password_from_the_cli(
    other, exported, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from workshop import cli
    from workshop.accounts.service import authenticate
    from workshop.errors import NotAuthenticated

    _, bundle, _, _ = exported
    with other.unit_of_work() as db:
        import_bundle(db, bundle.data)
        username = db.scalar(select(Planner.username))
    with pytest.raises(NotAuthenticated), other.unit_of_work() as db:
        authenticate(db=db, username=username, password="!imported")
    monkeypatch.setattr(cli, "_database", lambda: other)
    assert cli.main(["set-password", username, "--password", "short"]) == 1
    assert "8" in capsys.readouterr().err
    assert cli.main(["set-password", "nobody", "--password", "long-enough-1"]) == 1
    assert "没有这个规划师账号" in capsys.readouterr().err
    assert cli.main(["set-password", username, "--password", "long-enough-1"]) == 0
    assert f"password set: {username}" in capsys.readouterr().out
    with other.unit_of_work() as db:
        assert authenticate(db=db, username=username, password="long-enough-1").username == username
