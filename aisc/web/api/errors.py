"""One error body everywhere: {"error": {"code": ..., "message": ..., "field": ...}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from aisc.core.errors import AiscError, InsufficientBalance, InvalidTransition, NotFound
from aisc.web.accounts.authz import Refused
from aisc.web.api.parser import NotJson, TextWithNul
from aisc.web.error_body import error_body
from aisc.web.i18n import explain


class BadParameter(Exception):
    """A request parameter that cannot be served (not a rule of the domain): 400."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    field: str | None = None,
) -> HttpResponse:
    body = error_body(status, message, field, code=code)
    return api.create_response(request, body, status=status)


def _field_of(detail: dict[str, Any]) -> str | None:
    loc = [str(part) for part in detail.get("loc", []) if part not in ("body", "query", "path")]
    # ninja nests the payload under its parameter name; the last part is the field itself.
    return loc[-1] if loc else None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first: dict[str, Any] = exc.errors[0] if exc.errors else {}
        field = _field_of(first)
        message = str(first.get("msg", "invalid input"))
        return error_response(api, request, 422, "invalid", message, field)

    @api.exception_handler(BadParameter)
    def on_bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
        return error_response(api, request, 400, "bad_request", exc.message, exc.field)

    @api.exception_handler(AiscError)
    def on_domain(request: HttpRequest, exc: AiscError) -> HttpResponse:
        status = 422
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, InvalidTransition | InsufficientBalance):
            status = 409
        return error_response(api, request, status, exc.code, explain(exc), exc.field)

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        if isinstance(exc, Refused):
            return error_response(api, request, 403, "forbidden", exc.message, exc.field)
        return error_response(api, request, 403, "forbidden", "you may not do this")

    @api.exception_handler(Http404)
    def on_missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", "not found")

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "unauthenticated", "log in or send 'Authorization: Bearer TOKEN'"
        )

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After to this response.
        return error_response(
            api, request, 429, "throttled", "too many requests; wait and try again"
        )

    @api.exception_handler(HttpError)
    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises its "Cannot parse request body" from what our parser found.
        cause = exc.__cause__
        if isinstance(cause, TextWithNul):
            return error_response(api, request, 422, "invalid", cause.message, cause.field)
        if isinstance(cause, NotJson):
            return error_response(api, request, 400, "bad_request", cause.message)
        return error_response(api, request, exc.status_code, "http_error", str(exc))
