"""Revision 0019 moves community.base_layers to the end of the row on SQLite, keeping
every community and everything that refers to it; a load of a community never reads it."""

from __future__ import annotations

import sqlite3

from alembic import command
from sqlalchemy import event, select

from workshop.cli import load_demo
from workshop.communities.models import Community
from workshop.db import Database
from workshop.migrate import alembic_config, upgrade
from workshop.workshops.models import Workshop


def _columns(path) -> list[str]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as conn:
        return [row[1] for row in conn.execute("pragma table_info(community)")]


def _rows(path, table: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute(f"select * from {table}"))


def test_base_layers_is_the_last_column_and_the_data_travels_both_ways(tmp_path):
    path = tmp_path / "w.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    assert _columns(path)[-1] == "base_layers"
    database = Database(url)
    with database.unit_of_work() as db:
        load_demo(db)
    database.dispose()
    communities, workshops = _rows(path, "community"), _rows(path, "workshop")
    assert communities and workshops

    command.downgrade(alembic_config(url), "0018")
    assert _columns(path)[5] == "base_layers"
    upgrade(url)
    assert _columns(path)[-1] == "base_layers"
    assert (_rows(path, "community"), _rows(path, "workshop")) == (communities, workshops)
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma foreign_key_check").fetchall() == []


def test_loading_a_workshops_community_leaves_base_layers_unread(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    database = Database(url)
    with database.unit_of_work() as db:
        load_demo(db)
    statements: list[str] = []
    engine = database.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with database.unit_of_work(write=False) as db:
            workshop = db.scalars(select(Workshop)).first()
            assert workshop.community.boundary["type"] in ("Polygon", "MultiPolygon")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        database.dispose()
    loads = [s for s in statements if "FROM community" in s]
    assert loads and not any("base_layers" in s for s in loads), loads
    assert Community.__table__.columns.keys()[-1] == "base_layers"
