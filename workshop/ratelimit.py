"""Failure counters that slow down guessing of join codes and passwords.

Only failures count, so a room of residents who type the right code is never slowed down.
Every counter lives in the database (`login_failure`), so every worker and a restarted
server count the same failures. Stored keys are hashes (no address or username).

- Planner logins: per account (whatever the address: a botnet gets 10 tries per
  account) and per address (whatever the account: spraying usernames is limited too).
- Join codes and ballot cards: per client address. A tablet that has joined (a valid
  participant cookie for that workshop) is never checked, so twenty wrong codes from a
  meeting room's NAT cannot lock the joined tablets behind it out of voting; the check
  costs one indexed count only for clients that have not joined.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workshop.db import utcnow
from workshop.errors import DomainError


class TooManyAttempts(DomainError):
    status_code = 429


class FailureLimiter:
    """Allow at most `limit` failures per key within `window` seconds."""

    def __init__(self, limit: int, window: float, message_key: str) -> None:
        self.limit = limit
        self.window = window
        self.message_key = message_key
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return stamps

    def check(self, key: str) -> None:
        """Raise TooManyAttempts while `key` is over its failure budget."""
        with self._lock:
            stamps = self._recent(key, time.monotonic())
            if len(stamps) >= self.limit:
                wait = max(1, round(self.window - (time.monotonic() - stamps[0])))
                raise TooManyAttempts(self.message_key, seconds=wait)

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


# Every stored limiter shares the `login_failure` table, so a purge must spare the rows
# the longest window still counts (a wrong join code, window 60 s, once erased login
# failures after a minute). README: failures are kept 5 minutes.
KEEP_FAILURES_S = 300.0


class StoredFailureLimiter:
    """The same rule, with the failures in the database (shared by every worker)."""

    def __init__(self, limit: int, window: float, message_key: str) -> None:
        self.limit = limit
        self.window = window
        self.message_key = message_key

    @staticmethod
    def _hash(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def check(self, db: Session, key: str) -> None:
        from workshop.accounts.models import LoginFailure

        since = utcnow() - timedelta(seconds=self.window)
        count, oldest = db.execute(
            select(func.count(), func.min(LoginFailure.at)).where(
                LoginFailure.key == self._hash(key), LoginFailure.at > since
            )
        ).one()
        if count >= self.limit:
            elapsed = (utcnow() - oldest).total_seconds() if oldest else 0.0
            raise TooManyAttempts(self.message_key, seconds=max(1, round(self.window - elapsed)))

    def fail(self, db: Session, key: str) -> None:
        from workshop.accounts.models import LoginFailure

        now = utcnow()
        keep = timedelta(seconds=max(self.window, KEEP_FAILURES_S))
        db.execute(delete(LoginFailure).where(LoginFailure.at < now - keep))
        db.add(LoginFailure(key=self._hash(key), at=now))
        db.flush()


class SharedFailureLimiter(StoredFailureLimiter):
    """Failures shared by every worker of the app's database, counted outside the
    request's transaction (a refused request rolls its own back).

    PostgreSQL (several workers): in the database, each call a short transaction of its
    own. SQLite serves one process (`workshop serve` refuses more) whose writer lock the
    request may already hold, so there the count stays in this process's memory.
    """

    def __init__(self, limit: int, window: float, message_key: str) -> None:
        super().__init__(limit, window, message_key)
        self._memory = FailureLimiter(limit, window, message_key)

    def check_in(self, database: Any, key: str, db: Any = None) -> None:
        """Refuse (429) a client over its budget. `db`: the request's own session, read
        in its transaction (a crowd of joins must not each open a second connection)."""
        if database.is_sqlite:
            self._memory.check(key)
            return
        if db is not None:
            self.check(db, key)
            return
        with database.unit_of_work(write=False) as own:
            self.check(own, key)

    def fail_in(self, database: Any, key: str) -> None:
        if database.is_sqlite:
            self._memory.fail(key)
            return
        # Its own short transaction: the refused request rolls its own back. Wrong codes
        # only, so it never multiplies connections under a crowd of right ones.
        with database.unit_of_work(write=True) as own:
            self.fail(own, key)

    def reset(self) -> None:
        self._memory.reset()


JOIN_CODES = SharedFailureLimiter(limit=20, window=60.0, message_key="join.too_many")
LOGINS_PER_ACCOUNT = StoredFailureLimiter(limit=10, window=300.0, message_key="login.too_many")
LOGINS_PER_ADDRESS = StoredFailureLimiter(limit=20, window=300.0, message_key="login.too_many")
# Every registration attempt counts (a made account as much as a refused one): it limits
# both floods of applications and probing which usernames are taken, per address.
REGISTRATIONS_PER_ADDRESS = StoredFailureLimiter(
    limit=5, window=300.0, message_key="register.too_many"
)
