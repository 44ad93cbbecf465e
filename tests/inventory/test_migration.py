"""Revision 0018 adds the standing inventory's table, and takes it away on downgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, select

from workshop.db import Database
from workshop.inventory.models import CommunityAsset
from workshop.migrate import alembic_config, upgrade

from ..factories import demo_centre, make_community


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0018_creates_and_drops_community_asset(tmp_path):
    url = f"sqlite:///{tmp_path / 'inventory.db'}"
    upgrade(url)
    assert "community_asset" in _tables(url)
    database = Database(url)
    x, y = demo_centre()
    with database.unit_of_work() as db:
        community = make_community(db)
        db.add(
            CommunityAsset(
                community_id=community.id,
                asset_class="social",
                name="社区卫生站",
                geometry={"type": "Point", "coordinates": [x, y]},
            )
        )
    with database.unit_of_work() as db:
        row = db.scalars(select(CommunityAsset)).one()
        assert (row.subtype, row.description, row.source) == ("", "", "")
    database.dispose()
    command.downgrade(alembic_config(url), "0016")
    assert "community_asset" not in _tables(url)
    assert "community" in _tables(url)
    upgrade(url)
    assert "community_asset" in _tables(url)
