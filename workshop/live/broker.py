"""Live events per workshop, fanned out to Server-Sent-Event clients.

Services call `announce(db, workshop_id, topic)`; the event is published only after the
session commits, so a client never re-fetches data that is not there yet. Events carry
only a topic name: clients re-fetch the partial they show (payloads stay tiny, and the
same scheme works over PostgreSQL LISTEN/NOTIFY later).
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import AsyncIterator

from sqlalchemy import event
from sqlalchemy.orm import Session

TOPICS = ("stage", "participants", "assets", "proposals", "tally")
_PENDING = "workshop_live_pending"


class Broker:
    """In-process fan-out: one asyncio.Queue per connected client."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[asyncio.Queue[str]]] = defaultdict(set)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, workshop_id: int, topic: str) -> None:
        """Deliver `topic` to every client of the workshop; safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._lock:
            queues = list(self._subscribers.get(workshop_id, ()))
        for queue in queues:
            loop.call_soon_threadsafe(_offer, queue, topic)

    def client_count(self, workshop_id: int) -> int:
        with self._lock:
            return len(self._subscribers.get(workshop_id, ()))

    async def subscribe(self, workshop_id: int) -> AsyncIterator[str]:
        """Yield topics for one workshop until the client goes away."""
        if self._loop is None:
            self.attach(asyncio.get_running_loop())
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=100)
        with self._lock:
            self._subscribers[workshop_id].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers[workshop_id].discard(queue)


def _offer(queue: asyncio.Queue[str], topic: str) -> None:
    # A slow client skips duplicates rather than growing without bound: every topic
    # means "re-fetch", so one pending copy is enough.
    if topic in queue._queue or queue.full():  # type: ignore[attr-defined]
        return
    queue.put_nowait(topic)


BROKER = Broker()


def announce(db: Session, workshop_id: int, topic: str) -> None:
    """Queue an event to publish when `db` commits (dropped on rollback)."""
    db.info.setdefault(_PENDING, set()).add((workshop_id, topic))


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    for workshop_id, topic in sorted(session.info.pop(_PENDING, ())):
        BROKER.publish(workshop_id, topic)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
