"""Middleware of the API's edges: the one error body for every error under /api/, wherever it
came from (Django's URL resolver, a method the path does not have, a body too large, a crash),
and the cap on a request's body, applied before anything reads it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from aisc.web.error_body import error_body, is_error_body, under_api

logger = logging.getLogger(__name__)


class JsonErrorsMiddleware:
    """Under /api/, an error response that is not already the one JSON body becomes it: the
    status and headers (Allow, Retry-After, X-Request-ID) are kept, the HTML or text replaced."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not under_api(request.path) or response.status_code < 400:
            return response
        if getattr(response, "streaming", False) or is_error_body(response):
            return response
        status = response.status_code
        try:
            message = HTTPStatus(status).phrase.lower()
        except ValueError:
            message = "error"
        if status == 500:
            request_id = response.get("X-Request-ID", "")
            message = f"internal error; quote request id {request_id}" if request_id else message
        replaced = JsonResponse(error_body(status, message), status=status)
        for header in ("Allow", "Retry-After", "X-Request-ID"):
            if header in response:
                replaced[header] = response[header]
        return replaced


class BodySizeLimitMiddleware:
    """Refuses a request whose declared body is over AISC_MAX_REQUEST_BODY bytes with 413, before
    the session, the user or the body are read: an anonymous client cannot make the server buffer
    a large upload. A body sent without Content-Length (chunked) is left to the server in front
    and to Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        limit: int = settings.AISC_MAX_REQUEST_BODY
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0 or length > limit:
            message = (
                f"the request body may be at most {limit} bytes"
                if length > limit
                else "Content-Length must be a whole number of bytes"
            )
            status = 413 if length > limit else 400
            logger.warning("refused a request body of %s bytes on %s", declared, request.path)
            response: HttpResponse
            if under_api(request.path):
                response = JsonResponse(error_body(status, message), status=status)
            else:
                response = HttpResponse(message, status=status, content_type="text/plain")
            # The body is not read: the connection cannot carry another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
