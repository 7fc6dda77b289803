import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web.accounts import tokens
from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import ApiToken, User


def test_it_stores_only_the_digest_of_a_token(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="laptop", days=30)
    stored = ApiToken.objects.get()
    assert stored.digest == tokens.digest(issued.secret)
    assert issued.secret not in {stored.digest, stored.prefix}
    assert issued.secret.startswith(stored.prefix)


def test_it_authenticates_the_api_with_a_token_and_records_last_use(applicant: User) -> None:
    issued = do_create_api_token(acting_user=applicant, name="laptop", days=30)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == applicant.email
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_it_refuses_expired_and_revoked_tokens(applicant: User) -> None:
    expired = do_create_api_token(acting_user=applicant, name="old", days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    revoked = do_create_api_token(acting_user=applicant, name="gone", days=1)
    Client(HTTP_AUTHORIZATION=f"Bearer {revoked.secret}").get("/api/v1/me")
    client = Client()
    client.force_login(applicant)
    client.post(f"/accounts/tokens/{revoked.token.pk}/revoke/")
    for secret in (expired.secret, revoked.secret, "aisc_made-up"):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("days", [0, 367])
def test_it_rejects_a_token_lifetime_out_of_range(applicant: User, days: int) -> None:
    with pytest.raises(RuleViolation) as info:
        do_create_api_token(acting_user=applicant, name="x", days=days)
    assert info.value.field == "days"


def test_it_shows_a_new_token_once_on_the_portal(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    created = client.post("/accounts/tokens/", {"name": "ci", "days": 7}).content.decode()
    secret_line = [line for line in created.splitlines() if "aisc_" in line and "secret" in line]
    assert secret_line, "the new secret is shown once"
    again = client.get("/accounts/tokens/").content.decode()
    assert "aisc_" not in again.replace(ApiToken.objects.get().prefix, "")


def test_it_creates_and_revokes_tokens_over_the_api_with_one_error_body(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    created = client.post(
        "/api/v1/me/tokens", {"name": "bot", "days": 5}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("aisc_")
    bad = client.post(
        "/api/v1/me/tokens", {"name": "bot", "days": 999}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "error": {
            "code": "rule_violation",
            "message": bad.json()["error"]["message"],
            "field": "days",
        }
    }
    listed = client.get("/api/v1/me/tokens").json()
    assert listed["count"] == 1
    token_id = created.json()["id"]
    assert client.delete(f"/api/v1/me/tokens/{token_id}").json()["revoked_at"] is not None


def test_a_token_used_many_times_a_minute_records_its_last_use_once_a_minute(
    applicant: User,
) -> None:
    issued = do_create_api_token(acting_user=applicant, name="script", days=30)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert client.get("/api/v1/me").status_code == 200
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert client.get("/api/v1/me").status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first
    a_minute_ago = timezone.now() - dt.timedelta(minutes=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=a_minute_ago)
    assert client.get("/api/v1/me").status_code == 200
    written = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert written is not None
    assert written > a_minute_ago
