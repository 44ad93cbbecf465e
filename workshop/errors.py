"""Typed domain errors. One handler in app.py turns them into pages, partials or JSON."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An error a user can act on; `key` names a message in workshop.i18n."""

    status_code = 400

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Invalid(DomainError):
    status_code = 422


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class NotAuthenticated(DomainError):
    status_code = 401


class Busy(DomainError):
    status_code = 503
