"""The language menu: Django's set_language, answered so that htmx can apply a choice at once.

The menu posts on change through htmx (no page script of our own under the strict CSP). A
redirect would be followed inside the XMLHttpRequest and its page thrown away, so an htmx
request gets 204 with `HX-Refresh` (htmx reloads the page, now in the chosen language) and the
language cookie set_language put on its redirect. Without script, the menu's button posts the
form and the redirect applies as usual."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    if not request.headers.get("HX-Request"):
        return response
    answer = HttpResponse(status=204, headers={"HX-Refresh": "true"})
    answer.cookies = response.cookies
    return answer
