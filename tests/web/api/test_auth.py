"""How the API lets a caller in (aisc/web/api/auth.py) and what it mounts (ROUTERS): a bearer
token of an active user, or the portal session with CSRF; anything else gets the one 401 body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.actions import do_create_api_token, do_revoke_api_token
from aisc.web.accounts.models import ApiToken, User
from aisc.web.api_v1 import ROUTERS, api

UNAUTHENTICATED = {
    "error": {
        "code": "unauthenticated",
        "message": "log in or send 'Authorization: Bearer TOKEN'",
        "field": None,
    }
}


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_it_mounts_every_registered_router_under_its_prefix(db: None) -> None:
    paths = api.get_openapi_schema()["paths"]
    for prefix, router in ROUTERS:
        assert any(p.startswith(f"/api/v1{prefix}") for p in paths), (prefix, router)


def test_it_declares_both_ways_in_for_every_operation_but_the_public_ones(db: None) -> None:
    schema = api.get_openapi_schema()
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    public = [
        path
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if not operation.get("security")
    ]
    assert "/api/v1/grants/grantees" in public
    assert "/api/v1/me" not in public


def test_a_token_lets_its_user_in_without_a_session(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="ci", days=1)
    response = bearer(issued.secret).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "applicant@example.hk"


def test_a_token_needs_no_csrf_token_to_write(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="ci", days=1)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    response = client.delete(f"/api/v1/me/tokens/{issued.token.pk}")
    assert response.status_code == 200
    assert ApiToken.objects.get(user=applicant, name="ci").revoked_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"],
)
def test_a_bad_authorization_header_gets_the_one_401_body(db: None, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_revoked_token_is_refused(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="ci", days=1)
    do_revoke_api_token(acting_user=applicant, token=issued.token)
    response = bearer(issued.secret).get("/api/v1/me")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_an_expired_token_is_refused_and_its_last_use_is_not_noted(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="ci", days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert bearer(issued.secret).get("/api/v1/me").status_code == 401
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is None


def test_the_token_of_a_deactivated_user_is_refused(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="ci", days=1)
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    assert bearer(issued.secret).get("/api/v1/me").status_code == 401


def test_the_token_speaks_for_its_owner_even_inside_another_users_session(
    applicant: User, make_user: Callable[..., User]
) -> None:
    other = make_user(email="other@example.hk")
    issued = do_create_api_token(acting_user=applicant, name="ci", days=1)
    client = bearer(issued.secret)
    client.force_login(other)
    assert client.get("/api/v1/me").json()["email"] == "applicant@example.hk"


def test_the_portal_session_reads_without_a_token(client: Client, applicant: User) -> None:
    client.force_login(applicant)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["organisations"] == [
        m.organisation_id for m in applicant.memberships.all()
    ]


def test_a_session_write_with_the_csrf_token_goes_through(applicant: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    client.get("/accounts/tokens/")  # the portal page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/me/tokens",
        {"name": "from the portal"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    assert response.json()["name"] == "from the portal"


def test_an_unknown_path_answers_404(client: Client, applicant: User) -> None:
    client.force_login(applicant)
    assert client.get("/api/v1/no-such-thing").status_code == 404
