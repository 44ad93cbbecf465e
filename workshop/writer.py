"""The write path under a crowd: admission gates and SQLite group commit.

Why this exists (issue 14, proven by tests/durability/test_crowd.py): when write requests
waited for SQLite's single writer inside threadpool threads, a burst filled AnyIO's 40
threads with waiters and the lock holder could not get a thread to commit and release, so
everything stalled until a 30 s timeout. Here nobody waits in a thread:

* `Gate` hands out a bounded number of permits. Waiters wait in their event loop (a
  `concurrent.futures.Future`, so any loop or thread can hand a permit on); a queue deeper
  than `max_waiting` is refused at once with `Busy` (503 + Retry-After), and a waiter whose
  deadline passes gives up with `Busy` too. Never a 30 s stall, never a 500.
* `SQLiteWriter` owns the one writer connection. Requests take it in arrival order; each
  runs its unit of work in a SAVEPOINT of the writer's open transaction (a session joined
  with `join_transaction_mode="create_savepoint"`, so its commit/rollback touch only its
  own savepoint). While others are queued the transaction stays open and the next request
  runs in it (group commit); when the queue is empty, the batch is full or old, the batch
  COMMITs once and every request in it is acknowledged only then. A failed request rolls
  back only its savepoint; a failed COMMIT fails every request of that batch (none was
  acknowledged). The hash chains stay in commit order: one connection, one request at a
  time.

Live events (`workshop.live.broker.announce`) queued by a request are published after the
batch commits, never after a savepoint release.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from anyio import to_thread
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from workshop.db import PENDING_BEGIN
from workshop.errors import Busy
from workshop.live.broker import BROKER, DEFERRED_EVENTS, take_pending

log = logging.getLogger(__name__)
T = TypeVar("T")


class Gate:
    """At most `permits` holders; at most `max_waiting` waiters; loop- and thread-agnostic."""

    def __init__(self, permits: int, max_waiting: int) -> None:
        self.permits = permits
        self.max_waiting = max_waiting
        self._free = permits
        self._waiters: deque[concurrent.futures.Future[None]] = deque()
        self._mutex = threading.Lock()
        self.refused = 0  # refusals since start (benchmarks and /health read it)

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def _enqueue(self) -> concurrent.futures.Future[None] | None:
        """Return None when a permit was free (taken), else a future to wait on."""
        with self._mutex:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return None
            if len(self._waiters) >= self.max_waiting:
                self.refused += 1
                raise Busy("error.busy", retry_after=1)
            future: concurrent.futures.Future[None] = concurrent.futures.Future()
            self._waiters.append(future)
            return future

    async def acquire(self, timeout_s: float) -> None:
        """Take a permit, waiting in the event loop; Busy when full or past the deadline."""
        future = self._enqueue()
        if future is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout_s)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if not future.cancel():
                # The permit was handed to us as we gave up: pass it on.
                self.release()
            if isinstance(exc, asyncio.CancelledError):
                raise
            with self._mutex:
                self.refused += 1
            raise Busy("error.busy", retry_after=2) from None

    def try_acquire(self) -> bool:
        """Take a free permit at once, or return False (never waits, never queues)."""
        with self._mutex:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return True
            return False

    def acquire_blocking(self, timeout_s: float) -> None:
        """Take a permit from a plain thread (CLI, tests, background jobs)."""
        future = self._enqueue()
        if future is None:
            return
        try:
            future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            if not future.cancel():
                self.release()
            raise Busy("error.busy", retry_after=2) from None

    def pass_on(self) -> bool:
        """Hand the permit to the oldest live waiter; False (permit kept) when none waits."""
        with self._mutex:
            return self._hand_to_waiter()

    def release(self) -> None:
        """Hand the permit to the oldest live waiter, else put it back."""
        with self._mutex:
            if not self._hand_to_waiter():
                self._free += 1

    def _hand_to_waiter(self) -> bool:
        while self._waiters:
            future = self._waiters.popleft()
            if future.set_running_or_notify_cancel():
                future.set_result(None)
                return True
        return False

    def has_waiters(self) -> bool:
        with self._mutex:
            return bool(self._waiters)


@dataclass
class _Batch:
    started: float
    acks: list[concurrent.futures.Future[None]] = field(default_factory=list)
    events: set[tuple[int, str]] = field(default_factory=set)


class SQLiteWriter:
    """One writer connection, group commit, admission control (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_waiting: int,
        wait_s: float,
        max_batch: int = 64,
        max_batch_s: float = 0.05,
    ) -> None:
        self._engine = engine
        self.gate = Gate(1, max_waiting)
        self.wait_s = wait_s
        self.max_batch = max_batch
        self.max_batch_s = max_batch_s
        self._conn: Connection | None = None
        self._batch: _Batch | None = None
        self.commits = 0  # batches committed (tests and benchmarks read it)
        self.writes = 0  # units of work committed
        self._checkpointer = Checkpointer(engine)

    # -- the connection, held only by the gate's permit holder -------------------------

    def _usable(self) -> bool:
        return self._conn is not None and not self._conn.closed and not self._conn.invalidated

    def _connect(self) -> None:
        """Open the writer's connection (I/O: on a thread). Its COMMITs never checkpoint
        (the Checkpointer does, off the request path), so a COMMIT in WAL mode with
        synchronous=NORMAL writes to the OS cache only and may run on the event loop."""
        conn = self._engine.connect().execution_options(sqlite_immediate=True, lazy_begin=True)
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.commit()  # end the autobegun transaction: a batch begins in _session
        self._conn = conn

    def _session(self) -> Session:
        """A unit's session (pure Python: the batch's BEGIN IMMEDIATE and the unit's
        SAVEPOINT go out with its first statement, on the route's thread)."""
        assert self._conn is not None
        if not self._conn.in_transaction():
            self._conn.begin()
            self._batch = _Batch(time.monotonic())
        session = Session(
            bind=self._conn,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )
        session.info[DEFERRED_EVENTS] = True
        return session

    def _end_unit(self, session: Session, ok: bool) -> None:
        """Release or roll back the unit's savepoint; keep its live events for the batch."""
        try:
            if ok:
                session.commit()
                assert self._batch is not None
                self._batch.events |= take_pending(session)
            else:
                session.rollback()
        finally:
            session.close()

    def _should_commit(self) -> bool:
        batch = self._batch
        if batch is None:
            return False
        return (
            not self.gate.has_waiters()
            or len(batch.acks) >= self.max_batch
            or time.monotonic() - batch.started >= self.max_batch_s
        )

    def _commit_batch(self) -> None:
        """COMMIT the open batch; acknowledge every unit in it, then publish its events."""
        batch, conn = self._batch, self._conn
        if batch is None or conn is None:
            self._batch = None
            return
        try:
            if conn.in_transaction():
                conn.commit()
        except BaseException:
            self._fail_batch()
            raise
        self._batch = None
        self.commits += 1
        self.writes += len(batch.acks)
        self._checkpointer.after_commit()
        for ack in batch.acks:
            ack.set_result(None)
        for workshop_id, topic in sorted(batch.events):
            BROKER.publish(workshop_id, topic)

    def _fail_batch(self) -> None:
        """Roll the open batch back: none of its units was acknowledged; each learns so."""
        batch, self._batch = self._batch, None
        conn, self._conn = self._conn, None
        try:
            if conn is not None:
                try:
                    conn.rollback()
                finally:
                    conn.close()
        finally:
            for ack in batch.acks if batch else ():
                if not ack.done():
                    ack.set_exception(Busy("error.busy", retry_after=1))

    def _finish(self, session: Session, ok: bool) -> concurrent.futures.Future[None] | None:
        """End one unit (on a thread): its savepoint, then maybe the batch's COMMIT. Returns
        the unit's acknowledgement, resolved when its batch is durable (None: rolled back)."""
        ack: concurrent.futures.Future[None] | None = None
        try:
            self._end_unit(session, ok)
            if ok and self._batch is not None:
                ack = concurrent.futures.Future()
                self._batch.acks.append(ack)
        except BaseException:
            conn = self._conn
            if conn is None or conn.invalidated or not conn.in_transaction():
                self._fail_batch()
            raise
        if self._should_commit():
            self._commit_batch()
        return ack

    def _release(self) -> None:
        """Give the writer to the next unit, the batch still open; with nobody left to take
        it (waiters may have given up), commit the batch first: an open batch never idles."""
        if self._batch is not None and self.gate.pass_on():
            return
        try:
            if self._batch is not None:
                self._commit_batch()
        finally:
            self.gate.release()

    def _finish_and_release(
        self, session: Session, ok: bool
    ) -> concurrent.futures.Future[None] | None:
        try:
            return self._finish(session, ok)
        finally:
            self._release()

    async def ready_for_loop(self) -> None:
        """Send the batch's pending BEGIN IMMEDIATE from a thread (it can wait for another
        process's lock); after it, the holder's statements never wait and may run on the
        event loop. Once per batch: under a crowd, one hop for many units."""
        conn = self._conn
        if conn is not None and PENDING_BEGIN in conn.info:
            await to_thread.run_sync(self._begin_now)

    def _begin_now(self) -> None:
        assert self._conn is not None
        begin = self._conn.info.pop(PENDING_BEGIN, None)
        driver = self._conn.connection.driver_connection
        if begin is not None and driver is not None:
            driver.execute(begin)

    def _guarded(self, step: Callable[[], T]) -> T:
        """Run an opening step; on failure the batch fails and the writer moves on."""
        try:
            return step()
        except BaseException:
            self._fail_batch()
            self._release()
            raise

    # -- the two ways in ----------------------------------------------------------------

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Session]:
        """A request's unit of work: waits in the event loop, acknowledged after COMMIT.
        Opening and ending run on the loop (no I/O that can wait: see `_connect`); the
        route's own work runs on its threads."""
        await self.gate.acquire(self.wait_s)
        if not self._usable():  # the first unit (or the first after a failure)
            await to_thread.run_sync(self._guarded, self._connect)
        session = self._guarded(self._session)
        ok = False
        try:
            yield session
            ok = True
        finally:
            ack = self._finish_and_release(session, ok)
        if ack is not None:
            await asyncio.wrap_future(ack)

    @contextmanager
    def blocking_unit(self, *, acquired: bool = False) -> Iterator[Session]:
        """The same unit of work for a plain thread (CLI, tests, jobs), never the loop.
        `acquired`: the caller already holds the writer (Gate.try_acquire)."""
        if not acquired:
            self.gate.acquire_blocking(self.wait_s)
        if not self._usable():
            self._guarded(self._connect)
        session = self._guarded(self._session)
        ok = False
        try:
            yield session
            ok = True
        finally:
            ack = self._finish_and_release(session, ok)
        if ack is not None:
            ack.result()

    def close(self) -> None:
        """Commit what is open, checkpoint, close the connection (app shutdown)."""
        if self._batch is not None:
            self._commit_batch()
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        self._checkpointer.stop()


class Checkpointer:
    """Copies the WAL back into the database file from a thread of its own (PASSIVE: it
    never blocks the writer or readers), at most every `every_s` after commits."""

    def __init__(self, engine: Engine, every_s: float = 1.0) -> None:
        self._engine = engine
        self.every_s = every_s
        self._due = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def after_commit(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stopped.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="sqlite-checkpoint", daemon=True
                    )
                    self._thread.start()
        self._due.set()

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._due.wait()
            if self._stopped.is_set():
                return
            self._due.clear()
            self.checkpoint("PASSIVE")
            self._stopped.wait(self.every_s)

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        try:
            raw = self._engine.raw_connection()  # no transaction, no statement events
            try:
                raw.cursor().execute(f"PRAGMA wal_checkpoint({mode})")
            finally:
                raw.close()
        except Exception:
            log.warning("WAL checkpoint failed", exc_info=True)

    def stop(self) -> None:
        self._stopped.set()
        self._due.set()
        thread = self._thread
        if thread is not None:
            thread.join(5)
            self.checkpoint("PASSIVE")
