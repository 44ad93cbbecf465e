"""Persistence in one place: the declarative base, the engine and the unit of work."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime

from anyio import to_thread
from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_ref() -> str:
    """A random reference that travels with a row between instances (bundles), where the
    integer id does not: the hash chains name rows by it (workshop.audit)."""
    return secrets.token_hex(8)


def make_engine(url: str, *, busy_timeout_ms: int = 5000, pool_size: int = 10) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writers.

    Pools are sized to what is admitted (see `Database`): on PostgreSQL `pool_size`
    connections stay open (no overflow churn, no pre-ping round trip per checkout); on
    SQLite, readers are cheap and many (one per threadpool thread)."""
    if not url.startswith("sqlite"):
        return create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,  # only plain-thread users (CLI, tests) ever reach it
            pool_timeout=60,
            pool_recycle=3600,
        )
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        # Never a wait for a reader's connection: a request may hold one across its
        # dependency hops while it waits for a thread; SQLite connections are cheap.
        pool_size=THREADPOOL_TOKENS + 1,
        max_overflow=-1,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event emit BEGIN itself (see below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # A deferred transaction that reads then writes gets SQLITE_BUSY at once,
        # ignoring busy_timeout; writers therefore take the lock up front.
        options = conn.get_execution_options()
        statement = "BEGIN IMMEDIATE" if options.get("sqlite_immediate", False) else "BEGIN"
        if options.get("lazy_begin"):
            # The SQLite writer opens its batch on the event loop: the BEGIN (which may
            # wait for another process's lock) goes out with the first statement instead.
            conn.info[PENDING_BEGIN] = statement
        else:
            conn.exec_driver_sql(statement)

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_first(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        begin = conn.info.pop(PENDING_BEGIN, None)
        if begin is not None:
            cursor.execute(begin)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _nothing_to_begin(conn):  # type: ignore[no-untyped-def]
        conn.info.pop(PENDING_BEGIN, None)

    return engine


PENDING_BEGIN = "workshop_pending_begin"

# AnyIO's default threadpool size: sync routes and dependencies run on these threads.
THREADPOOL_TOKENS = 40


class Database:
    """The engine, the request units of work and, on SQLite, the one writer.

    Requests enter through `request_unit` (async; nothing waits in a threadpool thread):
    on SQLite a write goes through `SQLiteWriter` (one writer, group commit, a bounded
    queue) and a read takes its own WAL connection, never waiting for the writer; on
    PostgreSQL every request first takes one of `pool_size` permits (a bounded queue in
    the event loop), so the pool is never exhausted. `unit_of_work` is the plain-thread
    way in (CLI, tests, jobs)."""

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_ms: int = 5000,
        pool_size: int = 10,
        max_waiting: int = 400,
        wait_s: float = 10.0,
    ) -> None:
        from workshop.writer import Gate, SQLiteWriter

        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms, pool_size=pool_size)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        writer_bind = self.engine.execution_options(sqlite_immediate=True)
        self._write = sessionmaker(writer_bind, expire_on_commit=False)
        self.wait_s = wait_s
        self.writer = (
            SQLiteWriter(self.engine, max_waiting=max_waiting, wait_s=wait_s)
            if self.is_sqlite
            else None
        )
        self.gate = None if self.is_sqlite else Gate(pool_size, max_waiting)

    def session(self, *, write: bool = False) -> Session:
        return (self._write if write else self._read)()

    @asynccontextmanager
    async def request_unit(self, *, write: bool) -> AsyncIterator[Session]:
        """A request's unit of work, committed (durably) before the response is sent."""
        if write and self.writer is not None:
            async with self.writer.unit() as session:
                yield session
            return
        if self.gate is not None:
            await self.gate.acquire(self.wait_s)
        try:
            session = self.session(write=write)
            try:
                yield session
            except BaseException:
                await self._end(session, False)
                raise
            await self._end(session, True)
        finally:
            if self.gate is not None:
                self.gate.release()

    async def _end(self, session: Session, ok: bool) -> None:
        if self.gate is None:
            # A SQLite reader ends on the loop: ending a read transaction never waits, and
            # a connection must not stay checked out while its request waits for a thread.
            _end(session, ok)
        else:
            await to_thread.run_sync(_end, session, ok)  # bounded by the gate's permits

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """Yield a session; commit when the block succeeds, roll back when it raises.
        For plain threads (CLI, tests, jobs), never the event loop."""
        if write and self.writer is not None:
            with self.writer.blocking_unit() as session:
                yield session
            return
        session = self.session(write=write)
        try:
            yield session
        except BaseException:
            _end(session, False)
            raise
        _end(session, True)

    @contextmanager
    def unit_of_work_if_free(self) -> Iterator[Session | None]:
        """A write unit of work if the SQLite writer is free right now, else None (never
        waits in the calling thread); on PostgreSQL always a unit of work."""
        if self.writer is None:
            with self.unit_of_work() as session:
                yield session
            return
        if not self.writer.gate.try_acquire():
            yield None
            return
        with self.writer.blocking_unit(acquired=True) as session:
            yield session

    def dispose(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.engine.dispose()


def _end(session: Session, ok: bool) -> None:
    try:
        if ok:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC; always give back an aware datetime (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use workshop.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
