"""Failure counters that slow down guessing of join codes and passwords.

Only failures count, so a room of residents who type the right code is never slowed down.

- Join codes: in memory, per process. Every tablet request passes this check, so it must
  cost nothing; with N workers a client gets N × 20 wrong codes a minute, still hopeless
  against 30⁶ ≈ 7 × 10⁸ codes.
- Planner logins: in the database (`login_failure`), so every worker and a restarted
  server count the same failures; a login is rare, so the query costs nothing that
  matters. Stored keys are hashes (no address or username in the table).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta

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
        db.execute(
            delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=self.window))
        )
        db.add(LoginFailure(key=self._hash(key), at=now))
        db.flush()


JOIN_CODES = FailureLimiter(limit=20, window=60.0, message_key="join.too_many")
LOGINS = StoredFailureLimiter(limit=10, window=300.0, message_key="login.too_many")
