"""The API's one error body, {"error": {"code": ..., "message": ..., "field": ...}}, and the
path prefix under which every error is answered with it.

It lies below every app (Django only) because three layers write that body: the API's handlers
and middleware (aisc.web.api), the portal's request guard that refuses a NUL in a query before
any view runs (aisc.web.portal, which may not import aisc.web.api), and the second-factor check
(aisc.web.accounts). One builder keeps them from drifting apart."""

from __future__ import annotations

import json

from django.http import HttpResponse

API_PREFIX = "/api/"

# The code of the error body for a status that comes without one of its own.
CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


def under_api(path: str) -> bool:
    """Whether an error on this path is answered with the error body rather than a page."""
    return path.startswith(API_PREFIX)


def error_body(
    status: int, message: str, field: str | None = None, *, code: str | None = None
) -> dict[str, object]:
    """The body for `status`; `code` names the rule where the status alone does not (a domain
    error's own code), else the status's code (CODES; "http_error" for one not listed)."""
    code = CODES.get(status, "http_error") if code is None else code
    return {"error": {"code": code, "message": message, "field": field}}


def is_error_body(response: HttpResponse) -> bool:
    """Whether the response already carries the error body (so it is passed on unchanged)."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and set(body) == {"error"}
