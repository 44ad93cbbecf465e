"""Live topics: every topic a page listens for is announced, and a resync replays it."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.crowd import run_async
from workshop.config import ROOT, TEMPLATES_DIR
from workshop.live.broker import TOPICS, Broker, PgListener, announce

ANNOUNCED = re.compile(r"announce\([^,]+,[^,]+,\s*\"([a-z_]+)\"\)")
LISTENED = re.compile(r"sse:([a-z_]+)")


def test_every_topic_pages_listen_for_or_services_announce_is_known():
    announced = {
        m.group(1)
        for path in (ROOT / "workshop").rglob("*.py")
        for m in ANNOUNCED.finditer(path.read_text(encoding="utf-8"))
    }
    listened = {
        m.group(1)
        for path in TEMPLATES_DIR.rglob("*.html")
        for m in LISTENED.finditer(path.read_text(encoding="utf-8"))
    }
    assert {"round", "records"} <= announced
    assert announced | listened <= set(TOPICS)
    assert listened <= announced  # a page waiting for a topic nobody sends never refreshes


def test_an_unknown_topic_is_refused_when_announced(db):
    with pytest.raises(ValueError, match="rounds"):
        announce(db, 1, "rounds")


def test_a_resync_after_a_lost_listen_replays_every_topic_to_every_client():
    async def scenario() -> list[list[str]]:
        broker = Broker()
        broker.attach(asyncio.get_running_loop())
        streams = [broker.subscribe(7), broker.subscribe(7), broker.subscribe(8)]
        # Subscribing happens on the first step of each stream; start them all.
        pending = [asyncio.ensure_future(anext(s)) for s in streams]
        await asyncio.sleep(0)
        listener = PgListener(broker, "postgresql+psycopg://u@127.0.0.1:5432/none")
        listener._resync()
        seen: list[list[str]] = []
        for stream, first in zip(streams, pending, strict=True):
            topics = [await first]
            while len(topics) < len(TOPICS):
                topics.append(await asyncio.wait_for(anext(stream), timeout=5))
            seen.append(topics)
            await stream.aclose()
        return seen

    for topics in run_async(scenario()):
        assert sorted(topics) == sorted(TOPICS)
        assert {"round", "records"} <= set(topics)
