"""Request bodies for the OpenAPI schema of routes that read their body by hand.

A few routes parse the body themselves: the asset routes take a form *or* JSON, the
community form carries files and a drawn boundary larger than Starlette's default part
limit, the points rules form has dotted field names (`base_points.assessment`). FastAPI
cannot see those inputs, so `request_body()` declares them from a Pydantic model: the
schema documents them and the hostile-input fuzz test (tests/security/test_fuzz.py)
sends them bodies. The models describe the input only; the routes still do the checking.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
JSON = "application/json"


def request_body(models: dict[str, type[BaseModel]]) -> dict[str, Any]:
    """Return `openapi_extra` declaring a required body: a flat model per content type."""
    content = {}
    for kind, model in models.items():
        schema = model.model_json_schema()
        if "$defs" in schema:  # nothing is hoisted into the schema's components
            raise ValueError(f"{model.__name__}: only flat models can be declared here")
        content[kind] = {"schema": schema}
    return {"requestBody": {"required": True, "content": content}}
