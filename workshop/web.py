"""Answering a tablet action: JSON for the API, an htmx partial, or a 303 back.

Routes that change something for a resident run the same few steps: call the domain
function, then answer each kind of client its own way. `act` does those steps once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from workshop import negotiation
from workshop.errors import DomainError
from workshop.i18n import t
from workshop.templating import partial_or_back

T = TypeVar("T")


def wants_json(request: Request) -> bool:
    """The app's one rule (workshop.negotiation.wants_json) for this request."""
    return negotiation.wants_json(request.url.path, request.headers)


def json_error(exc: DomainError) -> JSONResponse:
    """A domain error as {"detail", "code"}, the detail in the request's language."""
    return JSONResponse({"detail": t(exc.key, **exc.params), "code": exc.key}, exc.status_code)


def act(
    request: Request,
    action: Callable[[], T],
    *,
    partial: str,
    context: Callable[[T], dict[str, Any]],
    back: str,
    json: Callable[[T], dict[str, Any]] | None = None,
    status_code: int = 200,
) -> Response:
    """Run `action` and answer it.

    - `json` given and the client wants JSON: `json(result)`, or a DomainError as
      {"detail", "code"} with its status.
    - htmx: the `partial` with `context(result)`; a plain form post: 303 to `back`.
    - A DomainError otherwise goes to the app's handler (error partial or page).
    """
    as_json = json is not None and wants_json(request)
    try:
        result = action()
    except DomainError as exc:
        if as_json:
            return json_error(exc)
        raise
    if as_json and json is not None:
        return JSONResponse(json(result), status_code)
    shown = context(result)
    return partial_or_back(request, partial, shown, back=back, status_code=status_code)
