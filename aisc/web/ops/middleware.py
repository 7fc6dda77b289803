"""Per request: counted and timed for /metrics (MetricsMiddleware, first), and one log line
(aisc.request: method, path, status, duration, request and user ids; RequestLogMiddleware,
after authentication)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from aisc.web.ops import logs
from aisc.web.ops.metrics import LATENCY, REQUESTS

log = logging.getLogger("aisc.request")


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The route's name, never the path: ids in paths would make a series per object.
        view = match.view_name if match is not None else "unresolved"
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        return response


class RequestLogMiddleware:
    """After authentication: the user is known, the request id is set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        user = getattr(request, "user", None)
        token = logs.user_id.set(user.pk if user is not None and user.is_authenticated else None)
        try:
            response = self.get_response(request)
            status = response.status_code
            level = logging.ERROR if status >= 500 else logging.INFO
            log.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            logs.user_id.reset(token)
