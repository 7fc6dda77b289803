"""Holds a signed-in person who must use a second factor (second_factor.required_for), or
who set one up of their own accord, at the second-factor page until they have used it: every
portal and admin page redirects there, and the API treats their session as no login at all
(401). API tokens are not sessions and pass as before: a token is created only from a verified
session, and a script cannot type a code."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from aisc.web.accounts import second_factor
from aisc.web.accounts.models import User
from aisc.web.error_body import under_api

# Pages an unverified person may still open: the second factor's own, logging out, choosing the
# language, static files, and the probes that monitors send.
OPEN_NAMES = ("accounts:two_factor", "accounts:logout", "set_language", "javascript-catalog")
OPEN_PREFIXES = ("/healthz", "/readyz", "/metrics")


def open_paths() -> tuple[str, ...]:
    return (*(reverse(name) for name in OPEN_NAMES), settings.STATIC_URL, *OPEN_PREFIXES)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and isinstance(user, User)
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not request.path.startswith(open_paths())
            and (second_factor.required_for(user) or second_factor.enrolled(user))
        ):
            if under_api(request.path):
                request.user = AnonymousUser()
            else:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
