"""Consistent snapshots of the embedded SQLite database, safe while the server runs."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupUnsupported(Exception):
    """The database is not an SQLite file; say what to use instead."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupUnsupported(
            "这不是 SQLite 数据库；PostgreSQL 请用 pg_dump，例如："
            "pg_dump --format=custom --file=workshop.dump <数据库名> / "
            "not an SQLite file: use pg_dump --format=custom for PostgreSQL"
        )
    return Path(parsed.database)


def default_target(data_dir: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return data_dir / "backups" / f"workshop-{stamp}.db"


def backup_sqlite(url: str, target: Path) -> Path:
    """Copy the live database to `target` with SQLite's online backup API.

    The backup API copies a consistent snapshot page by page while other connections
    keep reading and writing (WAL); a plain file copy could catch a half-written page.
    """
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise FileNotFoundError(source_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(partial)
    try:
        with destination:
            source.backup(destination, pages=256)
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise RuntimeError(f"backup failed its integrity check: {check}")
    finally:
        destination.close()
        source.close()
    partial.replace(target)
    return target
