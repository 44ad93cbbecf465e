"""One rule for "does this client want JSON" (the error handler, tablet actions and the
security middleware's refusals all answer by it, so a client gets the same kind of answer
wherever an error arises)."""

from __future__ import annotations

from collections.abc import Mapping


def wants_json(path: str, headers: Mapping[str, str]) -> bool:
    """JSON for the API, a JSON body, or an Accept that asks for JSON rather than HTML;
    never for htmx (it swaps an HTML partial)."""
    if headers.get("hx-request") == "true":
        return False
    if path.startswith("/api/"):
        return True
    if headers.get("content-type", "").startswith("application/json"):
        return True
    accept = headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
