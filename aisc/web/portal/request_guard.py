"""Every request's path and query string are held to aisc.core.text's NUL rule before any view
runs (a view reading a parameter would hand it to PostgreSQL, which neither stores nor compares
such text: a 500). A path holding a NUL names nothing that can exist: 404. A query parameter
holding one is refused naming the parameter and the rule in the user's language: under /api/
the API's one error body (422, as a field refused by its schema), on the portal a page that
says so and links to the same address without the NUL, so nothing else typed is lost.

Form bodies are the forms' to refuse: Django's validator puts the same rule beside the field on
the form shown again with what was typed; JSON bodies are aisc.web.api.parser's."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from aisc.core.text import NUL, without_nul
from aisc.web.error_body import error_body, under_api
from aisc.web.i18n import nul_rule


def refused_parameter(query: QueryDict) -> str | None:
    """The name of the first query parameter whose name or value holds a NUL."""
    for key, values in query.lists():
        if NUL in key or any(NUL in value for value in values):
            return without_nul(key)
    return None


class NulGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            raise Http404("no such page")
        field = refused_parameter(request.GET)
        if field is None:
            return self.get_response(request)
        if under_api(request.path):  # as a field refused by the API's schema
            return JsonResponse(error_body(422, nul_rule(), field), status=422)
        kept = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            kept.setlist(without_nul(key), [without_nul(value) for value in values])
        again = f"{request.path}?{kept.urlencode()}" if kept else request.path
        context = {"field": field, "rule": nul_rule(), "again": again}
        return render(request, "portal/refused_input.html", context, status=400)
