"""Times shown in the signed-in person's zone: the middleware activates `User.time_zone` for the
request, so templates (`|date`), lists and exports that go through `timezone.localtime` show local
times. Stored times stay UTC. Anonymous visitors see the centre's zone (settings.TIME_ZONE).

The centre's own rules (a tranche's start date, receivables' ageing, a call's open days) ask for
the centre's zone explicitly (`timezone.get_default_timezone()`), so they do not move with the
zone of whoever happens to click.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def zone_of(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    user = getattr(request, "user", None)
    name = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None  # a zone this machine no longer knows: the centre's, never an error page


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = zone_of(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def centre_today(at: dt.datetime | None = None) -> dt.date:
    """The centre's date now (or at `at`), whichever zone the request has activated."""
    return timezone.localdate(at, timezone.get_default_timezone())
