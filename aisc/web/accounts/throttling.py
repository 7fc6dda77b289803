"""Rate limits and log-in lock-out.

Log-in (the portal's and the admin's) is guarded by django-axes: after AXES_FAILURE_LIMIT wrong
passwords for one account, or from one address, further attempts are refused for the cool-off,
even with the right password, without running the password hasher. The other limits are
django-ninja's throttles (a sliding window counted in the database's aisc_rate_count table, which
every server process shares), used both by the API and, through `throttle_view`, by the portal's
views that send mail or mint tokens. Rates are read from
settings.AISC_RATES at each request, so a deployment or a test may change them.

The client's address is REMOTE_ADDR: a forwarded-for header is the client's to choose, and trusting
it would let one client pose as many.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from ninja.throttling import SimpleRateThrottle

from aisc.core import ratelimit


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


# One statement counts the request: the row of (limit, client) moves to the current window
# (the count it had becomes `previous` when it was the window before, else 0) or adds one.
# PostgreSQL and SQLite (3.35+) both read the old row in SET and return the new one.
COUNT_SQL = """
INSERT INTO aisc_rate_count (bucket, slot, count, previous, expires) VALUES (%s, %s, 1, 0, %s)
ON CONFLICT (bucket) DO UPDATE SET
    previous = CASE
        WHEN aisc_rate_count.slot = excluded.slot THEN aisc_rate_count.previous
        WHEN aisc_rate_count.slot = excluded.slot - 1 THEN aisc_rate_count.count
        ELSE 0 END,
    count = CASE
        WHEN aisc_rate_count.slot = excluded.slot THEN aisc_rate_count.count + 1
        ELSE 1 END,
    slot = excluded.slot,
    expires = excluded.expires
RETURNING count, previous
"""
# A refused request is not counted, so a client that waits as told gets in.
UNCOUNT_SQL = "UPDATE aisc_rate_count SET count = count - 1 WHERE bucket = %s AND slot = %s"
PRUNE_SQL = "DELETE FROM aisc_rate_count WHERE expires < %s"


class RateThrottle(SimpleRateThrottle):
    """A ninja throttle whose rate is settings.AISC_RATES[scope]; `ident` says whose bucket a
    request counts against (None: not counted here). A sliding window (aisc.core.ratelimit)
    counted in the database, one statement a request."""

    scope = ""

    def __init__(self) -> None:
        # The rate is looked up per request (below), not fixed when the route is declared.
        self.rate = None
        self.num_requests = self.duration = None
        self.wait_seconds = 1

    def ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = self.ident(request)
        if ident is None:
            return None
        return f"aisc-throttle:{self.scope}:{ident}"

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(settings.AISC_RATES[self.scope])
        return self.count(request)

    def count(self, request: HttpRequest) -> bool:
        bucket = self.get_cache_key(request)
        if bucket is None or self.num_requests is None or not self.duration:
            return True
        limit, duration = self.num_requests, self.duration
        window = ratelimit.Window.at(time.time(), duration)
        expires = (window.slot + 2) * duration
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, [bucket[:300], window.slot, expires])
            count, previous = cursor.fetchone()
            if count == 1:
                # A new window for this client: the moment to forget clients gone quiet.
                cursor.execute(PRUNE_SQL, [math.floor(window.slot * duration)])
            if ratelimit.allows(count, previous, window.fraction, limit):
                return True
            cursor.execute(UNCOUNT_SQL, [bucket[:300], window.slot])
        self.wait_seconds = ratelimit.retry_after(
            count - 1, previous, window.fraction, limit, duration
        )
        return False

    def retry_after(self) -> int:
        """Whole seconds until this client's next request would be counted and allowed."""
        return self.wait_seconds

    def wait(self) -> float | None:
        return float(self.retry_after())


class ApiThrottle(RateThrottle):
    """Every API call: per token (a script), per user (the portal's session), per address
    (anonymous callers, such as the public estimator)."""

    scope = "api"

    def ident(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"token:{token.pk}"
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "pk", None) is not None:
            return f"user:{user.pk}"
        return None

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = self.ident(request)
        if ident is None:
            return f"aisc-throttle:anonymous:{client_address(request)}"
        return f"aisc-throttle:{self.scope}:{ident}"

    def allow_request(self, request: HttpRequest) -> bool:
        anonymous = self.ident(request) is None
        rate = settings.AISC_RATES["anonymous" if anonymous else self.scope]
        self.num_requests, self.duration = self.parse_rate(rate)
        return self.count(request)


class TokenCreationThrottle(RateThrottle):
    scope = "token_create"

    def ident(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return client_address(request)
        return f"user:{user.pk}"


class PasswordResetAddressThrottle(RateThrottle):
    """Mail to one person's address: whoever asks, from wherever."""

    scope = "password_reset_address"

    def ident(self, request: HttpRequest) -> str | None:
        address = str(request.POST.get("email", "")).strip().lower()
        return address or None


class PasswordResetClientThrottle(RateThrottle):
    scope = "password_reset_client"

    def ident(self, request: HttpRequest) -> str | None:
        return client_address(request)


class SignUpAddressThrottle(RateThrottle):
    """Sign-up mails one address: whoever asks, from wherever."""

    scope = "signup_address"

    def ident(self, request: HttpRequest) -> str | None:
        # Hashed: the address is typed by anyone, and a cache key takes no spaces.
        address = str(request.POST.get("email", "")).strip().lower()
        return hashlib.sha256(address.encode()).hexdigest() if address else None


class SignUpClientThrottle(RateThrottle):
    scope = "signup_client"

    def ident(self, request: HttpRequest) -> str | None:
        return client_address(request)


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The portal's answer past a limit: a page in the user's language, 429, Retry-After."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def first_refusal(request: HttpRequest, throttles: Sequence[RateThrottle]) -> int | None:
    """Counts the request against each throttle; the longest wait among those that refuse it."""
    waits = [t.retry_after() for t in throttles if not t.allow_request(request)]
    return max(waits) if waits else None


def throttle_view(
    *make: Callable[[], RateThrottle],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Limits a portal view's POSTs (the requests that send mail or create something)."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                wait = first_refusal(request, [factory() for factory in make])
                if wait is not None:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a log-in attempt is counted against, as stored: trimmed, in lower case, so
    that changing the case of the address does not start a fresh count."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(typed).strip().lower()


def axes_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    cool_off = settings.AXES_COOLOFF_TIME
    return too_many(request, int(cool_off.total_seconds()))
