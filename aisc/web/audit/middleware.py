"""Gives every request an id (honouring X-Request-ID) and remembers the client IP for audit rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from aisc.web.audit.context import RequestFacts, current


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given[:64] if given.isascii() and given else uuid.uuid4().hex
        token = current.set(RequestFacts(request_id, request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
