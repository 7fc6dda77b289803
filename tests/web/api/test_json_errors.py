"""Every error under /api/ is the one JSON body, whichever layer answered it (URL resolver,
method check, body cap, rate limit, a crash), and the OpenAPI document lists those statuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts import authz
from aisc.web.accounts.models import User


def assert_error_body(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    return body


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/me", "/api/v1/me/nothing"])
def test_an_unknown_api_path_is_a_json_404(db: None, client: Client, path: str) -> None:
    assert_error_body(client.get(path), 404, "not_found")


def test_a_method_the_path_does_not_have_is_a_json_405_with_allow(
    applicant: User, client: Client
) -> None:
    client.force_login(applicant)
    response = client.put("/api/v1/me", {}, content_type="application/json")
    assert_error_body(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_a_crash_is_a_json_500_that_quotes_the_request_id(
    applicant: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(request: Any) -> User:
        raise RuntimeError("a bug")

    monkeypatch.setattr(authz, "acting_user", crash)
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    response = client.get("/api/v1/me")
    body = assert_error_body(response, 500, "server_error")
    assert response["X-Request-ID"] in body["error"]["message"]
    assert "a bug" not in body["error"]["message"]


def test_a_body_over_the_cap_is_refused_before_authentication_with_a_json_413(
    db: None, client: Client, settings: Any
) -> None:
    settings.AISC_MAX_REQUEST_BODY = 1000
    response = client.post("/api/v1/estimate", "x" * 1001, content_type="application/json")
    body = assert_error_body(response, 413, "too_large")
    assert body["error"]["message"] == "the request body may be at most 1000 bytes"
    unauthenticated = client.post("/api/v1/me/tokens", "x" * 5000, content_type="text/plain")
    assert unauthenticated.status_code == 413  # not 401: the cap comes first


def test_a_portal_page_over_the_cap_gets_a_plain_413(
    db: None, client: Client, settings: Any
) -> None:
    settings.AISC_MAX_REQUEST_BODY = 1000
    response = client.post("/accounts/login/", {"username": "a" * 2000, "password": "x"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_a_declared_length_far_beyond_the_body_is_refused_without_reading_it(
    db: None, client: Client
) -> None:
    response = client.generic(
        "POST", "/api/v1/estimate", b"{}", CONTENT_TYPE="application/json", CONTENT_LENGTH="3e8"
    )
    assert_error_body(response, 400, "bad_request")
    huge = client.generic(
        "POST",
        "/api/v1/estimate",
        b"{}",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(300 * 2**20),
    )
    assert_error_body(huge, 413, "too_large")


def test_a_page_error_outside_the_api_stays_html(db: None, client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- the OpenAPI document -----------------------------------------------------------------


@pytest.fixture
def operations(db: None, client: Client) -> dict[tuple[str, str], dict[str, Any]]:
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_lists_the_rate_limit_and_the_crash_with_the_error_body(
    operations: dict[tuple[str, str], dict[str, Any]],
) -> None:
    assert len(operations) > 40
    for key, operation in operations.items():
        for status in ("429", "500"):
            listed = operation["responses"][status]
            schema = listed["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, key


def test_an_operation_lists_the_errors_its_declaration_allows(
    operations: dict[tuple[str, str], dict[str, Any]],
) -> None:
    revoke = operations[("delete", "/api/v1/me/tokens/{token_id}")]["responses"]
    assert {"200", "401", "403", "404", "409", "422", "429", "500"} <= set(revoke)
    estimate = operations[("post", "/api/v1/estimate")]["responses"]
    assert {"413", "422"} <= set(estimate)
    assert "401" not in estimate  # public: no log-in asked
    listed = operations[("get", "/api/v1/me/tokens")]["responses"]
    assert "400" in listed  # ?page out of range


def test_a_body_that_is_not_json_is_a_documented_400_and_a_write_may_answer_404(
    operations: dict[tuple[str, str], dict[str, Any]], applicant: User, client: Client
) -> None:
    client.force_login(applicant)
    broken = client.post(
        "/api/v1/grants/applications", "{not json", content_type="application/json"
    )
    assert broken.status_code == 400
    assert set(broken.json()["error"]) == {"code", "message", "field"}
    created = operations[("post", "/api/v1/grants/applications")]["responses"]
    assert {"400", "404"} <= set(created)  # the call the body names may not exist
