"""One log line per request (aisc.request): method, path, status, duration, user id."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from aisc.web.ops import logs

log = logging.getLogger("aisc.request")


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
