"""The app's route table, for tests that walk every route."""

from __future__ import annotations

import re

from fastapi import FastAPI


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Return (METHOD, path template) for every route the app answers.

    Read from the OpenAPI document: with FastAPI's included routers, `app.routes` holds
    router wrappers, not the routes themselves. No route is hidden from the schema
    (test_no_route_is_hidden_from_the_route_table checks it).
    """
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ]


def fill(path: str, values: dict[str, object]) -> str:
    """Return `path` with its {parameters} replaced (1 for the unknown ones)."""
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: str(values.get(m.group(1), 1)), path)
