"""Gives every request a server-generated id and remembers the client IP for audit rows.

A client's X-Request-ID is kept only as `client_request_id` (printable ASCII, at most 64
characters): a client must not choose the id that the audit chain and the logs file a request by.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from aisc.web.audit.context import RequestFacts, current


def client_request_id(given: str) -> str:
    """The client's id when it is printable ASCII (no control characters), else nothing."""
    given = given[:64]
    return given if given.isascii() and given.isprintable() else ""


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        facts = RequestFacts(
            request_id,
            request.META.get("REMOTE_ADDR"),
            client_request_id(request.headers.get("X-Request-ID", "")),
        )
        token = current.set(facts)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
