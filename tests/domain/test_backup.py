from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from workshop.backup import BackupUnsupported, backup_sqlite, default_target
from workshop.cli import main
from workshop.proposals.service import submit_proposal

from ..conftest import TEST_DATABASE_URL
from ..factories import make_workshop

on_sqlite = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite backups; PostgreSQL uses pg_dump"
)


@on_sqlite
def test_backup_is_a_consistent_copy_while_a_writer_is_mid_transaction(
    database, settings, tmp_path
):
    with database.unit_of_work() as s:
        ws = make_workshop(s, stage="proposals")
        submit_proposal(db=s, workshop=ws, participant=None, title="已提交的提案")
    writer = database.session(write=True)
    # An open, uncommitted write: the snapshot must not contain it.
    submit_proposal(db=writer, workshop=writer.merge(ws), participant=None, title="未提交")
    try:
        target = backup_sqlite(settings.resolved_database_url(), tmp_path / "b" / "copy.db")
    finally:
        writer.rollback()
        writer.close()
    titles = [r[0] for r in sqlite3.connect(target).execute("select title from proposal")]
    assert titles == ["已提交的提案"]
    assert not target.with_suffix(".db.part").exists()


def test_backup_refuses_postgresql_with_guidance():
    with pytest.raises(BackupUnsupported, match="pg_dump"):
        backup_sqlite(
            "postgresql+psycopg://u@localhost/x", default_target(__import__("pathlib").Path("."))
        )


@on_sqlite
def test_default_target_and_cli(settings, monkeypatch, tmp_path, capsys):
    when = datetime(2026, 11, 24, 9, 30, 0)
    assert default_target(tmp_path, when).name == "workshop-20261124-093000.db"
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", settings.resolved_database_url())
    from workshop.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["backup", str(tmp_path / "cli.db")]) == 0
    finally:
        get_settings.cache_clear()
    assert "已备份" in capsys.readouterr().out
    assert (tmp_path / "cli.db").exists()
