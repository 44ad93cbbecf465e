"""Export a workshop as one zip and import it into another instance.

Layout: manifest.json (format version, app version, created, workshop uid, counts and
the sha256 of every other member), tables/<table>.json (rows as plain JSON) and
photos/<name>. The table list is `BUNDLE_TABLES`, the one place to add a new table:
each entry says how its rows are selected for a workshop; foreign keys are found in the
schema and re-numbered on import, so ids never clash with the target's.

Participants are pseudonymised: their token and nickname never leave the instance; the
bundle keys them by "P0001", "P0002"... (the same in every table, not derived from the
token). On import each gets a fresh random token.

Import is all or nothing: the zip is checked first (names, sizes, checksums, format,
JSON, geometry), then every row is written in one transaction; any failure raises
`Invalid` with a zh-CN message and leaves the database (and photo folder) unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
import secrets
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import Date, DateTime, Table, func, insert, select, text, update
from sqlalchemy.orm import Session

import workshop.models  # noqa: F401 - every table in the metadata
from workshop.assets import photos as asset_photos
from workshop.audit.checks import verify_bundle_tables
from workshop.audit.payloads import rewrite_content_ids
from workshop.ballots.cards import new_card_code
from workshop.bundle import keys
from workshop.bundle.models import TrustedKey, WorkshopOrigin
from workshop.bundle.planners import map_planners, record_names
from workshop.db import Base, utcnow
from workshop.errors import Invalid
from workshop.workshops.models import Workshop
from workshop.workshops.service import new_join_code

log = logging.getLogger(__name__)
FORMAT_VERSION = 3
# 2 added ballot cards, population and the rows' refs; 3 record signatures (and the
# optional signature.json: the exporting instance's Ed25519 signature of manifest.json)
READABLE_VERSIONS = (1, 2, 3)
SIGNATURE = "signature.json"
MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # uncompressed
MAX_RATIO = 200  # uncompressed ÷ compressed per member: beyond this it is a zip bomb
_TABLE_NAME = re.compile(r"tables/[a-z_]+\.json")
_PHOTO_NAME = re.compile(r"photos/[A-Za-z0-9_-]{1,64}\.jpg")

Ids = dict[str, set[Any]]
Selector = Callable[[Table, int, Ids], Any]  # -> a where clause


def _by_workshop(t: Table, ws: int, _ids: Ids) -> Any:
    return t.c.workshop_id == ws


def _by_parent(column: str, parent: str) -> Selector:
    return lambda t, _ws, ids: t.c[column].in_(ids.get(parent) or [-1])


# Export order = import order (parents first). Tables not listed (the service log, points
# rules) are the instance's own bookkeeping and stay behind.
BUNDLE_TABLES: tuple[tuple[str, Selector], ...] = (
    ("community", lambda t, _ws, ids: t.c.id.in_(ids["community"])),
    ("planner", lambda t, _ws, ids: t.c.id.in_(ids["planner"])),
    ("workshop", lambda t, ws, _ids: t.c.id == ws),
    ("participant", _by_workshop),
    ("voting_rules", _by_workshop),
    ("voting_round", _by_workshop),
    ("workshop_facilitator", _by_workshop),
    ("asset", _by_workshop),
    ("asset_contributor", _by_parent("asset_id", "asset")),
    ("asset_support", _by_parent("asset_id", "asset")),
    ("proposal", _by_workshop),
    ("proposal_asset", _by_parent("proposal_id", "proposal")),
    ("moderation_event", _by_workshop),
    ("vote", _by_parent("round_id", "voting_round")),
    ("vote_change", _by_parent("round_id", "voting_round")),
    ("satisfaction_response", _by_workshop),
    ("assessment_record", _by_workshop),
    ("record_signature", _by_parent("record_id", "assessment_record")),
    ("professional_review", _by_workshop),
    ("follow_up", _by_workshop),
    ("follow_up_note", _by_parent("follow_up_id", "follow_up")),
    ("ballot_card", _by_workshop),
    ("population", _by_workshop),
)
# Tables a bundle of an older format may lack (read as empty).
ADDED_IN = {"ballot_card": 2, "population": 2, "record_signature": 3}
# Columns that never leave the instance.
# A card's code is a credential (it starts a participant): a fresh one is made on import.
PRIVATE = {
    "participant": ("token", "nickname"),
    "planner": ("password_hash", "role", "organisation_id", "street_office_id", "disabled_at"),
    "community": ("street_office_id",),
    "ballot_card": ("code",),
}
GEOMETRY = {"community": ("boundary",), "asset": ("geometry",), "proposal": ("location",)}


def app_version() -> str:
    try:
        return version("workshop")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "0"


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _reencode_photos(photos: dict[str, bytes]) -> dict[str, bytes]:
    """Every photo re-encoded as an upload is; raise Invalid naming the first bad one."""
    out = {}
    for name, blob in photos.items():
        try:
            out[name] = asset_photos.reencode(blob)
        except Invalid:
            raise Invalid("bundle.bad_photo", name=name[:80]) from None
    return out


def _order_key(value: Any) -> tuple:
    """Sort key for a key value: integers by value, pseudonyms ("P0001") by their number,
    anything else after them by its text."""
    if isinstance(value, bool) or value is None:
        return (2, str(value))
    if isinstance(value, int):
        return (0, value)
    text = str(value)
    digits = text.lstrip("P")
    if text.startswith("P") and digits.isdigit():
        return (0, int(digits))
    return (1, text)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def workshop_uid(db: Session, workshop: Workshop) -> str:
    """The uid of an imported workshop, else one derived from what never changes on this
    instance (id, join code, creation time): stable without writing on a GET."""
    origin = db.get(WorkshopOrigin, workshop.id)
    if origin is not None:
        return origin.uid
    created = workshop.created_at.isoformat() if workshop.created_at else ""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"workshop:{workshop.id}:{workshop.join_code}:{created}")
    )


@dataclass
class Bundle:
    data: bytes
    manifest: dict


def export_bundle(
    db: Session,
    workshop: Workshop,
    *,
    photos_dir: Path | None = None,
    key: keys.InstanceKey | None = None,
) -> Bundle:
    """Return the workshop as a zip (bytes) and its manifest, signed with `key` (default:
    this instance's key, when one is loaded)."""
    key = key or keys.active()
    uid = workshop_uid(db, workshop)
    ids: Ids = {"community": {workshop.community_id}, "planner": {workshop.planner_id}}
    tables: dict[str, list[dict]] = {}
    rows_of: dict[str, list[dict]] = {}
    for name, selector in BUNDLE_TABLES:
        if name == "planner":
            continue  # after the rest: every table may point at a planner
        table = _table(name)
        rows = [
            dict(r)
            for r in db.execute(select(table).where(selector(table, workshop.id, ids))).mappings()
        ]
        # Integer key order (1, 2, 10, never "1", "10", "2"): the import numbers rows in
        # file order, and a chain is walked in id order, so this order must be the ids'.
        rows.sort(key=lambda r: tuple(_order_key(r.get(c.name)) for c in table.primary_key.columns))
        rows_of[name] = rows
        if "id" in table.c:
            ids[name] = {r["id"] for r in rows}
        for column in table.c:
            for fk in column.foreign_keys:
                if fk.column.table.name == "planner":
                    ids["planner"].update(
                        r[column.name] for r in rows if r[column.name] is not None
                    )
    planner = _table("planner")
    rows_of["planner"] = [
        dict(r)
        for r in db.execute(
            select(planner).where(planner.c.id.in_(ids["planner"])).order_by(planner.c.id)
        ).mappings()
    ]
    pseudonym = {r["id"]: f"P{i:04d}" for i, r in enumerate(rows_of["participant"], 1)}
    photos: dict[str, bytes] = {}
    for name, _ in BUNDLE_TABLES:
        table = _table(name)
        private = PRIVATE.get(name, ())
        out = []
        for row in rows_of[name]:
            clean = {k: _json_value(v) for k, v in row.items() if k not in private}
            if name == "participant":
                clean["id"] = pseudonym[row["id"]]
            for column in table.c:
                if any(fk.column.table.name == "participant" for fk in column.foreign_keys):
                    value = clean.get(column.name)
                    clean[column.name] = pseudonym.get(value) if value is not None else None
            if name == "asset" and row.get("photo") and photos_dir is not None:
                path = photos_dir / row["photo"]
                if path.is_file() and _PHOTO_NAME.fullmatch(f"photos/{row['photo']}"):
                    photos[row["photo"]] = path.read_bytes()
            out.append(clean)
        tables[name] = out
    members: dict[str, bytes] = {
        f"tables/{name}.json": json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
        for name, rows in tables.items()
    }
    members.update({f"photos/{n}": b for n, b in sorted(photos.items())})
    manifest = {
        "format": "workshop-bundle",
        "format_version": FORMAT_VERSION,
        "app_version": app_version(),
        "created": utcnow().isoformat(timespec="seconds"),
        "workshop_uid": uid,
        "workshop_title": workshop.title,
        "counts": {name: len(rows) for name, rows in tables.items()} | {"photos": len(photos)},
        "members": {name: _sha256(data) for name, data in members.items()},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("manifest.json", manifest_bytes)
        if key is not None:
            z.writestr(SIGNATURE, json.dumps(_signature(key, manifest_bytes), indent=2))
        for name, data in members.items():
            z.writestr(name, data)
    return Bundle(buffer.getvalue(), manifest)


def _signature(key: keys.InstanceKey, manifest_bytes: bytes) -> dict:
    return {
        "format": "workshop-signature",
        "algorithm": "ed25519",
        "signed": "manifest.json",
        "public_key": key.public_b64,
        "fingerprint": key.fingerprint,
        "signature": key.sign(manifest_bytes),
    }


# --- import -----------------------------------------------------------------------------


def read_bundle(data: bytes) -> tuple[dict, dict[str, list[dict]], dict[str, bytes]]:
    """Open and check the zip; return (manifest, tables, photos) or raise Invalid."""
    manifest, tables, photos, _signer = read_signed_bundle(data)
    return manifest, tables, photos


def read_signed_bundle(
    data: bytes,
) -> tuple[dict, dict[str, list[dict]], dict[str, bytes], str | None]:
    """`read_bundle`, and the fingerprint of the key that signed the manifest (None when
    unsigned). A signature that does not verify is refused (Invalid), never ignored."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise Invalid("bundle.not_a_bundle") from None
    if len(infos) > MAX_MEMBERS:
        raise Invalid("bundle.too_large")
    total = 0
    for info in infos:
        name = info.filename
        if name not in ("manifest.json", SIGNATURE) and not (
            _TABLE_NAME.fullmatch(name) or _PHOTO_NAME.fullmatch(name)
        ):
            raise Invalid("bundle.bad_member", name=name[:80])
        total += info.file_size
        if total > MAX_TOTAL_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise Invalid("bundle.too_large")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise Invalid("bundle.bad_member", name="(重复)")
    try:
        contents = {i.filename: z.read(i) for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error()):
        raise Invalid("bundle.corrupt") from None
    if "manifest.json" not in contents:
        raise Invalid("bundle.no_manifest")
    manifest_bytes = contents.pop("manifest.json")
    signer = _check_signature(contents.pop(SIGNATURE, None), manifest_bytes)
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("bundle.no_manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "workshop-bundle":
        raise Invalid("bundle.no_manifest")
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise Invalid("bundle.unknown_version", version=str(manifest.get("format_version"))[:20])
    listed = manifest.get("members")
    if not isinstance(listed, dict) or set(listed) != set(contents):
        raise Invalid("bundle.checksum")
    for name, member in contents.items():
        if _sha256(member) != listed[name]:
            raise Invalid("bundle.checksum")
    if not isinstance(manifest.get("workshop_uid"), str) or not manifest["workshop_uid"]:
        raise Invalid("bundle.no_manifest")
    tables: dict[str, list[dict]] = {}
    for name, _ in BUNDLE_TABLES:
        blob = contents.get(f"tables/{name}.json")
        if blob is None and manifest["format_version"] < ADDED_IN.get(name, 0):
            blob = b"[]"
        if blob is None:
            raise Invalid("bundle.missing_table", table=name)
        try:
            rows = json.loads(blob)
        except (ValueError, UnicodeDecodeError):
            raise Invalid("bundle.corrupt") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise Invalid("bundle.corrupt")
        tables[name] = rows
    if len(tables["workshop"]) != 1 or len(tables["community"]) != 1:
        raise Invalid("bundle.corrupt")
    for name, columns in GEOMETRY.items():
        for row in tables[name]:
            for column in columns:
                _check_geometry(row.get(column), allow_none=name != "asset")
    photos = {n.removeprefix("photos/"): b for n, b in contents.items() if n.startswith("photos/")}
    if signer is not None and manifest["format_version"] < 3:
        raise Invalid("bundle.bad_signature")  # signatures came with format 3
    _check_counts(manifest, tables, photos)
    _check_ids(tables)
    title = tables["workshop"][0].get("title")
    if manifest.get("workshop_title", title) != title:
        raise Invalid("bundle.manifest_mismatch", field="workshop_title")
    return manifest, tables, photos, signer


def _check_signature(blob: bytes | None, manifest_bytes: bytes) -> str | None:
    """The signer's full fingerprint, None when unsigned; Invalid when it does not verify."""
    if blob is None:
        return None
    try:
        signature = json.loads(blob)
        public, signed = signature["public_key"], signature["signature"]
    except (ValueError, UnicodeDecodeError, TypeError, KeyError):
        raise Invalid("bundle.bad_signature") from None
    if signature.get("algorithm") != "ed25519" or not keys.verify(
        str(public), str(signed), manifest_bytes
    ):
        raise Invalid("bundle.bad_signature")
    return keys.fingerprint_of(base64.b64decode(public))


def signature_state(db: Session, signer: str | None) -> str:
    """ "unsigned", "unknown" (not enrolled here), "revoked" or "trusted"."""
    if signer is None:
        return "unsigned"
    # Enrolled by the short (16 hex digits) or the full fingerprint: a prefix of the signer's.
    enrolled = [k for k in db.scalars(select(TrustedKey)) if signer.startswith(k.fingerprint)]
    if not enrolled:
        return "unknown"
    return "revoked" if any(k.revoked_at is not None for k in enrolled) else "trusted"


def _check_counts(manifest: dict, tables: dict[str, list[dict]], photos: dict) -> None:
    """The manifest's counts are what the tables hold (a table it does not count is
    refused too: an all-zero or missing count never passes)."""
    counts = manifest.get("counts")
    if not isinstance(counts, dict):
        raise Invalid("bundle.manifest_mismatch", field="counts")
    found = {name: len(rows) for name, rows in tables.items()} | {"photos": len(photos)}
    for name, n in found.items():
        listed = counts.get(name, 0 if name in ADDED_IN and n == 0 else None)
        if listed != n or isinstance(listed, bool):
            raise Invalid("bundle.count_mismatch", table=name, listed=str(listed)[:20], found=n)


def _check_ids(tables: dict[str, list[dict]]) -> None:
    """Every row of a table with an id has one, and no two share it."""
    for name, _ in BUNDLE_TABLES:
        table = _table(name)
        if "id" not in table.c or "id" not in table.primary_key.columns:
            continue
        ids = [r.get("id") for r in tables[name]]
        if None in ids or len(set(map(repr, ids))) != len(ids):
            raise Invalid("bundle.duplicate_id", table=name)


def check_chains(tables: dict[str, list[dict]]) -> None:
    """Recompute every hash chain and sealed head of the bundle; raise Invalid naming the
    first entry that does not match (the bundle's own ids: what `verify --bundle` prints)."""
    _checked, problems = verify_bundle_tables(tables)
    if problems:
        first = problems[0]
        raise Invalid(
            "bundle.chain_broken",
            entry=Message(f"verify.chain.{first.chain}"),
            number=first.entry_id,
            reason=Message(first.key),
            count=len(problems),
        )


class Message:
    """A message key formatted in the locale current when the error is shown."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __str__(self) -> str:
        from workshop.i18n import t

        return t(self.key)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _check_geometry(value: Any, *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    try:
        geom = shape(value)
        ok = geom.is_valid and not geom.is_empty and shapely.get_num_coordinates(geom) > 0
        minx, miny, maxx, maxy = geom.bounds
        ok = ok and -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    except Exception:
        ok = False
    if not ok:
        raise Invalid("bundle.bad_geometry")


def _converter(column: Any) -> Callable[[str], Any] | None:
    """How a column's JSON value becomes a Python value (None: as it is)."""
    kind = getattr(column.type, "impl", column.type)  # UTCDateTime decorates DateTime
    if isinstance(kind, DateTime) or isinstance(column.type, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    return None


@dataclass
class Imported:
    workshop_id: int
    uid: str
    created: bool  # False: this bundle's workshop was already here


@dataclass
class Prepared:
    """A bundle read and verified, its photos re-encoded: ready to write (no database yet)."""

    manifest: dict
    tables: dict[str, list[dict]]
    jpegs: dict[str, bytes]  # new photo name -> re-encoded JPEG
    signer: str | None = None  # full fingerprint of the key that signed the manifest

    @property
    def uid(self) -> str:
        return str(self.manifest["workshop_uid"])

    @property
    def title(self) -> str:
        return str(self.tables["workshop"][0].get("title") or "")


def prepare_import(data: bytes) -> Prepared:
    """Read and verify a bundle with no database: checksums, counts, ids, geometry, every
    chain and sealed head, photos re-encoded as uploads are. Slow on a large bundle: run
    it off the event loop, and before taking the writer (`import_prepared` is the rest)."""
    manifest, tables, photos, signer = read_signed_bundle(data)
    check_chains(tables)  # before the duplicate check: a forgery must not block the original
    jpegs = _reencode_photos(photos)  # EXIF and GPS dropped, images only
    names = {old: f"{secrets.token_urlsafe(18)}.jpg" for old in jpegs}
    for row in tables["asset"]:
        # A name with no photo in the bundle could point at another photo here: dropped.
        row["photo"] = names.get(str(row.get("photo"))) if row.get("photo") else None
    return Prepared(manifest, tables, {names[old]: jpeg for old, jpeg in jpegs.items()}, signer)


def import_bundle(
    db: Session, data: bytes, *, photos_dir: Path | None = None, owner_id: int | None = None
) -> Imported:
    """Import a bundle in the caller's transaction; raise Invalid and write nothing if bad.

    The workshop becomes `owner_id`'s (workshop.bundle.planners: never by username)."""
    return import_prepared(db, prepare_import(data), photos_dir=photos_dir, owner_id=owner_id)


def import_prepared(
    db: Session,
    prepared: Prepared,
    *,
    photos_dir: Path | None = None,
    owner_id: int | None = None,
) -> Imported:
    """Write a verified bundle in the caller's transaction (or find it already here)."""
    tables, jpegs, uid = prepared.tables, prepared.jpegs, prepared.uid
    known = db.scalar(select(WorkshopOrigin).where(WorkshopOrigin.uid == uid))
    if known is not None:
        return Imported(known.workshop_id, uid, created=False)
    for local in db.scalars(select(Workshop)):  # a bundle of a workshop made here
        if workshop_uid(db, local) == uid:
            return Imported(local.id, uid, created=False)
    try:
        new_ids = _insert_all(db, tables, owner_id=owner_id)
    except Invalid:
        raise
    except Exception:
        log.warning("bundle import failed", exc_info=True)
        raise Invalid("bundle.corrupt") from None
    workshop_id = new_ids["workshop"][tables["workshop"][0]["id"]]
    record_names(db, tables["planner"], new_ids["planner"], workshop_id=workshop_id)
    db.add(
        WorkshopOrigin(
            workshop_id=workshop_id,
            uid=uid,
            imported_at=utcnow(),
            signature_state=signature_state(db, prepared.signer),
            signer=prepared.signer,
        )
    )
    db.flush()
    if photos_dir is not None and jpegs:
        photos_dir.mkdir(parents=True, exist_ok=True)
        for name, jpeg in jpegs.items():
            (photos_dir / name).write_bytes(jpeg)
    return Imported(workshop_id, uid, created=True)


def _column_plan(table: Table) -> list[tuple[Any, str | None, Callable[[str], Any] | None]]:
    """(column, the table its foreign key points at, its converter) for every column but a
    surrogate id."""
    plan = []
    for column in table.c:
        if column.name == "id" and "id" in table.primary_key.columns:
            continue
        fks = list(column.foreign_keys)
        plan.append((column, fks[0].column.table.name if fks else None, _converter(column)))
    return plan


def _reserve_ids(db: Session, table: Table, n: int) -> list[int] | None:
    """`n` new ids for `table`, increasing, or None where this database cannot say.

    SQLite: the import holds the single writer, and a rowid table hands out max(id) + 1.
    PostgreSQL: taken from the table's own sequence, so concurrent inserts never collide.
    Explicit ids in the bundle's order keep each chain's order by construction, and let
    one plain executemany insert a table (RETURNING with a guaranteed order costs one
    statement per row on SQLite)."""
    dialect = db.get_bind().dialect.name
    if dialect == "sqlite":
        start = db.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
        return list(range(start + 1, start + n + 1))
    if dialect == "postgresql":
        sequence = db.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if sequence is None:
            return None
        stmt = text("SELECT nextval(:s) FROM generate_series(1, :n)")
        return sorted(db.scalars(stmt, {"s": sequence, "n": n}))
    return None


def _insert_all(
    db: Session, tables: dict[str, list[dict]], *, owner_id: int | None = None
) -> dict[str, dict[Any, Any]]:
    """Insert every table (parents first), re-numbering ids and the keys that point at them.

    Rows of a table go in one executemany; `sort_by_parameter_order` hands back the new
    ids in row order (batched RETURNING on SQLite and PostgreSQL alike).
    """
    new_ids: dict[str, dict[Any, Any]] = {}
    deferred: list[tuple[Table, Any, str, str, Any]] = []  # self references
    for name, _ in BUNDLE_TABLES:
        table = _table(name)
        ids = new_ids.setdefault(name, {})
        plan = _column_plan(table)
        has_id = "id" in table.c and "id" in table.primary_key.columns
        batch: list[dict] = []
        old_ids: list[Any] = []
        if name == "planner":
            # Never an existing account by username (workshop.bundle.planners).
            lead = (tables["workshop"] or [{}])[0].get("planner_id")
            ids.update(map_planners(db, tables[name], lead_id=lead, owner_id=owner_id))
            continue
        # Ids are handed out in insertion order: inserting in the bundle's id order keeps
        # every chain's order (bundles from before the integer sort hold "1, 10, 2").
        for row in sorted(tables[name], key=lambda r: _order_key(r.get("id"))):
            values: dict[str, Any] = {}
            for column, target, convert in plan:
                key = column.name
                if name == "participant" and key in ("token", "nickname"):
                    values[key] = secrets.token_urlsafe(24) if key == "token" else ""
                    continue
                if name == "ballot_card" and key == "code":
                    values[key] = new_card_code()
                    continue
                if key not in row:
                    continue
                value = row[key]
                if target is not None and value is not None:
                    if target == name:
                        deferred.append((table, row["id"], key, target, value))
                        value = None
                    elif value in new_ids.get(target, {}):
                        value = new_ids[target][value]
                    else:
                        raise Invalid("bundle.corrupt")
                values[key] = convert(value) if convert and value is not None else value
            if name == "assessment_record" and isinstance(values.get("content"), dict):
                values["content"] = _remap_content(values["content"], new_ids)
            if name == "workshop" and db.scalar(
                select(table.c.id).where(table.c.join_code == values.get("join_code"))
            ):
                values["join_code"] = new_join_code()
            batch.append(values)
            old_ids.append(row.get("id"))
        if not batch:
            continue
        if has_id:
            if len(set(old_ids)) != len(old_ids):
                raise Invalid("bundle.corrupt")
            reserved = _reserve_ids(db, table, len(batch))
            if reserved is not None:
                rows = [v | {"id": i} for v, i in zip(batch, reserved, strict=True)]
                db.execute(insert(table), rows)
                created = reserved
            else:
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                created = list(db.execute(stmt, batch).scalars())
            # New ids in the bundle's order: the chains (walked by id) keep their order.
            if len(created) != len(old_ids) or created != sorted(created):
                raise Invalid("bundle.corrupt")
            ids.update(zip(old_ids, created, strict=True))
        else:
            db.execute(insert(table), batch)
    for table, old_id, column, target, value in deferred:
        if value not in new_ids[target]:
            raise Invalid("bundle.corrupt")
        db.execute(
            update(table)
            .where(table.c.id == new_ids[table.name][old_id])
            .values({column: new_ids[target][value]})
        )
    return new_ids


def _remap_content(content: dict, new_ids: dict[str, dict[Any, Any]]) -> dict:
    """The record's frozen JSON names proposals, planners, the workshop and the community
    by id; the hash chain names them by ref, so this changes no record hash."""

    def through(table: str) -> Callable[[Any], Any]:
        return lambda old: new_ids.get(table, {}).get(old, old)

    return rewrite_content_ids(
        content,
        proposal=through("proposal"),
        planner=through("planner"),
        workshop=through("workshop"),
        community=through("community"),
    )


# --- off the server process ---------------------------------------------------------------

_POOL: Any = None


def _prepare_or_error(data: bytes) -> tuple[str, Any]:
    """In a worker process: the prepared bundle, or the refusal as plain picklable values."""
    from workshop.errors import DomainError

    try:
        return "ok", prepare_import(data)
    except DomainError as exc:
        params = {
            k: ("message", v.key) if isinstance(v, Message) else ("value", v)
            for k, v in exc.params.items()
        }
        return "error", (type(exc).__name__, exc.key, params)


def shutdown_import_pool() -> None:
    """Stop the import's worker process, if one was started. The server calls this as it
    shuts down: uvicorn re-raises the SIGTERM it caught once it has shut down, so the
    process ends by that signal and atexit never runs; the worker would be left behind."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None


def prepare_import_elsewhere(data: bytes) -> Prepared:
    """`prepare_import` in a worker process: reading JSON and hashing 20,000 entries holds
    the GIL, and in a thread of the server it would slow every other request."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from workshop import errors

    global _POOL
    if _POOL is None:
        import atexit

        _POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(shutdown_import_pool)  # the CLI; the server shuts it in its lifespan
    try:
        outcome, value = _POOL.submit(_prepare_or_error, data).result()
    except BrokenProcessPool:  # the worker died (out of memory?): once more, here
        _POOL = None
        return prepare_import(data)
    if outcome == "ok":
        return value
    kind, key, params = value
    raise getattr(errors, kind)(
        key, **{k: Message(v) if how == "message" else v for k, (how, v) in params.items()}
    )
