"""Failure counters that slow down guessing of join codes and passwords.

In memory, per process: enough for one laptop (and per worker when scaled out; a
shared store belongs to the multi-worker issue). Only failures count, so a room of
residents who type the right code is never slowed down.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

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


JOIN_CODES = FailureLimiter(limit=20, window=60.0, message_key="join.too_many")
LOGINS = FailureLimiter(limit=10, window=300.0, message_key="login.too_many")
