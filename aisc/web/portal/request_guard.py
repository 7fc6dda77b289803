"""A request whose path holds the NUL character names nothing that can exist: PostgreSQL can
neither store nor compare such text, so a lookup by it would end in a 500. It is a 404 before
any view runs (the portal's page, or under /api/ the one JSON error body)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse


class NulInPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("no such page")
        return self.get_response(request)
