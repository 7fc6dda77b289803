"""The API's one error body comes from one builder (aisc.web.error_body), below every app, so
that the layers that answer errors under /api/ cannot drift apart: the API's middleware (an
unknown path, a body over the cap), its handlers, and the portal's request guard, which refuses
a NUL in a query before any view runs and may not import the API. Off /api/ each stays a page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import Client

from aisc.web.error_body import error_body, is_error_body, under_api


def test_the_body_takes_its_code_from_the_status_unless_the_rule_names_its_own() -> None:
    assert error_body(404, "not found") == {
        "error": {"code": "not_found", "message": "not found", "field": None}
    }
    assert error_body(422, "Null characters are not allowed.", "q")["error"] == {
        "code": "invalid",
        "message": "Null characters are not allowed.",
        "field": "q",
    }
    assert error_body(409, "no money left", "amount", code="insufficient_balance")["error"] == {
        "code": "insufficient_balance",
        "message": "no money left",
        "field": "amount",
    }
    assert error_body(418, "a teapot") == {
        "error": {"code": "http_error", "message": "a teapot", "field": None}
    }


def test_only_a_json_response_holding_the_error_alone_counts_as_the_body() -> None:
    assert is_error_body(JsonResponse(error_body(400, "bad")))
    assert not is_error_body(JsonResponse({"error": {}, "more": 1}))
    assert not is_error_body(HttpResponse("{not json", content_type="application/json"))
    assert not is_error_body(HttpResponse('{"error": 1}', content_type="text/html"))


def test_only_paths_under_api_get_the_body() -> None:
    assert under_api("/api/v1/me")
    assert not under_api("/apiary/")
    assert not under_api("/accounts/login/")


def answered(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = json.loads(response.content)
    return body


@pytest.mark.django_db
def test_the_request_guard_and_the_api_middleware_answer_under_api_with_the_same_builder(
    client: Client, settings: Any
) -> None:
    # the portal's guard, before any view or URL: even on a path the API does not have
    guard = client.get("/api/v2/nothing", {"q": "x\x00"}, headers={"Accept-Language": "en"})
    assert guard.status_code == 422
    assert answered(guard) == error_body(422, "Null characters are not allowed.", "q")
    # the API's middleware, for the URL resolver's 404 and the body cap's 413
    missing = client.get("/api/v2/nothing")
    assert answered(missing) == error_body(404, "not found")
    settings.AISC_MAX_REQUEST_BODY = 10
    capped = client.post("/api/v1/estimate", "x" * 11, content_type="application/json")
    assert answered(capped) == error_body(413, "the request body may be at most 10 bytes")


@pytest.mark.django_db
def test_off_the_api_the_guard_and_the_cap_answer_pages_not_the_body(
    client: Client, settings: Any
) -> None:
    guard = client.get("/accounts/login/", {"q": "x\x00"})
    assert guard.status_code == 400
    assert guard["Content-Type"].startswith("text/html")
    settings.AISC_MAX_REQUEST_BODY = 10
    capped = client.post("/accounts/login/", {"username": "a" * 20})
    assert capped.status_code == 413
    assert capped["Content-Type"].startswith("text/plain")
