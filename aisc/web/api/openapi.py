"""The OpenAPI document lists, for each operation, the error statuses it can answer, each with the
one error body: those that every call may get (rate limit, crash), those that follow from how the
operation is declared (authentication, path ids, parameters, a body), and those of the domain
(a transition or a balance refused on a write)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
            },
        }
    },
}

DESCRIPTIONS = {
    400: "Bad request (a malformed parameter or body: a page number out of range, broken JSON)",
    401: "Not authenticated: log in, or send 'Authorization: Bearer TOKEN'",
    403: "Not allowed for this user",
    404: "Not found, or not visible to this user (the path's object or one the body names)",
    409: "Refused by the object's state (a transition, a balance)",
    413: "Request body too large",
    422: "Invalid input: the field and the rule are named",
    429: "Too many requests: wait for Retry-After seconds",
    500: "Internal error",
}
WRITES = {"post", "put", "patch", "delete"}


def error_statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {429, 500}
    if operation.get("security"):
        statuses |= {401, 403}
    parameters = operation.get("parameters", [])
    # A write may name other objects in its body (a call, a chip), which may not exist.
    if "{" in path or method in WRITES:
        statuses.add(404)
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if any(p.get("in") == "query" for p in parameters):
        statuses.add(400)
    if "requestBody" in operation:
        statuses |= {400, 413}  # a body that is not JSON at all is a 400
    if method in WRITES:
        statuses |= {409, 422}
    return statuses


def document_errors(schema: OpenAPISchema) -> OpenAPISchema:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in sorted(error_statuses(method, path, operation)):
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return schema


class AiscAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)
