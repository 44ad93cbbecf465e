"""Live events per workshop, fanned out to Server-Sent-Event clients.

Services call `announce(db, workshop_id, topic)`; the event is published only after the
session commits, so a client never re-fetches data that is not there yet. Events carry
only a topic name: clients re-fetch the partial they show (payloads stay tiny).

Several worker processes (PostgreSQL): the committing transaction also sends
`NOTIFY workshop_live, '<pid> <workshop id> <topic>'`, which PostgreSQL delivers only if
the transaction commits. Each process LISTENs on one async psycopg connection and hands
other processes' events to its in-process broker (its own were published directly).
SQLite has one process, so the in-process broker is all there is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections import defaultdict
from collections.abc import AsyncIterator

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Every topic a service announces; after a lost LISTEN connection _resync replays each.
TOPICS = ("stage", "participants", "assets", "proposals", "tally", "round", "records")
CHANNEL = "workshop_live"
_PENDING = "workshop_live_pending"
# Set on the SQLite writer's sessions (workshop.writer): their events wait for the batch.
DEFERRED_EVENTS = "workshop_live_deferred"
RECONNECT_MAX_S = 10.0


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

    def workshops(self) -> list[int]:
        """Return the workshops with a client connected to this process."""
        with self._lock:
            return [wid for wid, queues in self._subscribers.items() if queues]

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


def conninfo(url: str) -> str:
    """Return a libpq connection string for a SQLAlchemy PostgreSQL URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener:
    """LISTEN on the app's channel and feed other processes' events to the broker."""

    def __init__(self, broker: Broker, url: str) -> None:
        self.broker = broker
        self.conninfo = conninfo(url)
        self.connects = 0  # how many times LISTEN was (re)established
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="pg-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        import psycopg

        delay = 0.2
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.conninfo,
                    autocommit=True,
                    application_name="workshop-live",
                    keepalives=1,
                    keepalives_idle=30,
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self.connects:
                        self._resync()
                    self.connects += 1
                    self.listening.set()
                    delay = 0.2
                    async for note in conn.notifies():
                        self._deliver(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection lost or refused: retry with back-off
                self.listening.clear()
                log.warning("live events: LISTEN connection lost (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_S)

    def _deliver(self, payload: str) -> None:
        try:
            pid, workshop_id, topic = payload.split(" ", 2)
            if int(pid) == os.getpid():
                return  # published in-process already, right after the commit
            self.broker.publish(int(workshop_id), topic)
        except ValueError:
            log.warning("live events: ignored malformed payload %r", payload[:80])

    def _resync(self) -> None:
        # Events sent while we were not listening are lost: tell every local client to
        # re-fetch everything once (events only ever mean "re-fetch").
        for workshop_id in self.broker.workshops():
            for topic in TOPICS:
                self.broker.publish(workshop_id, topic)


def announce(db: Session, workshop_id: int, topic: str) -> None:
    """Queue an event to publish when `db` commits (dropped on rollback)."""
    # "typing …" (who is still typing, to the console only) is never replayed: it is
    # sent again every few seconds while it holds.
    if topic not in TOPICS and not topic.startswith("typing "):  # _resync could not replay it
        raise ValueError(f"unknown live topic {topic!r}: add it to TOPICS")
    db.info.setdefault(_PENDING, set()).add((workshop_id, topic))


@event.listens_for(Session, "before_commit")
def _notify_other_processes(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    pid = os.getpid()
    for workshop_id, topic in sorted(pending):
        # Part of the transaction: PostgreSQL delivers it only if the commit succeeds.
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": f"{pid} {workshop_id} {topic}"},
        )


def take_pending(session: Session) -> set[tuple[int, str]]:
    """Remove and return the events `session` queued: the SQLite writer publishes them
    after its group's COMMIT (a unit's own commit only releases a savepoint)."""
    return set(session.info.pop(_PENDING, ()))


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    if session.info.get(DEFERRED_EVENTS):
        return  # published by workshop.writer once the batch is durable
    for workshop_id, topic in sorted(session.info.pop(_PENDING, ())):
        BROKER.publish(workshop_id, topic)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
