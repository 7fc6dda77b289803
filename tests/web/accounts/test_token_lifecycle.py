"""API tokens end with the credentials and roles they were issued under; a token cannot mint
tokens; their lifetime has a configured ceiling; their last use is shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aisc.web.accounts import actions
from aisc.web.accounts.models import ApiToken, Role, User
from aisc.web.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.web.accounts.test_login_and_pages import reset_link

NEW_PASSWORD = "a-quiet-harbour-morning-2027"


def works(secret: str) -> bool:
    return bool(Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 200)


def issue(user: User, name: str = "script") -> str:
    return actions.do_create_api_token(acting_user=user, name=name, days=30).secret


def test_a_password_reset_revokes_every_token_of_the_account(
    applicant: User, client: Client, mailoutbox: list[Any]
) -> None:
    secrets = [issue(applicant, "laptop"), issue(applicant, "ci")]
    assert all(works(s) for s in secrets)
    client.post("/accounts/password-reset/", {"email": applicant.email})
    form_url = client.get(reset_link(mailoutbox[0].body))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not any(works(s) for s in secrets)
    event = AuditEvent.objects.get(verb="accounts.api_token.revoke_all")
    assert event.after is not None
    assert event.after["reason"] == "password_changed"
    assert len(event.after["tokens"]) == 2


def test_a_password_set_by_an_admin_revokes_the_tokens_too(applicant: User) -> None:
    secret = issue(applicant)
    applicant.set_password(NEW_PASSWORD)
    applicant.save()
    assert not works(secret)


def test_a_rehash_at_log_in_is_not_a_new_password_and_keeps_the_tokens(
    applicant: User, client: Client, settings: Any
) -> None:
    secret = issue(applicant)
    old_hash = User.objects.get(pk=applicant.pk).password
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.post("/accounts/login/", {"username": applicant.email, "password": PASSWORD})
    assert User.objects.get(pk=applicant.pk).password != old_hash  # upgraded to PBKDF2
    assert works(secret)
    assert not AuditEvent.objects.filter(verb="accounts.api_token.revoke_all").exists()


def test_taking_a_staff_role_away_revokes_the_tokens_and_giving_one_does_not(
    make_user: Any,
) -> None:
    admin = make_user(Role.ADMIN)
    finance = make_user(Role.FINANCE, Role.REVIEWER)
    secret = issue(finance)
    actions.do_set_staff_roles(
        acting_user=admin, user=finance, roles=(Role.FINANCE, Role.REVIEWER, Role.AUDITOR)
    )
    assert works(secret)
    actions.do_set_staff_roles(acting_user=admin, user=finance, roles=(Role.REVIEWER,))
    assert not works(secret)
    event = AuditEvent.objects.get(verb="accounts.api_token.revoke_all")
    assert event.after is not None
    assert event.after["reason"] == "role_removed"


def test_a_token_cannot_create_a_token(applicant: User) -> None:
    secret = issue(applicant)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/me/tokens", {"name": "forever", "days": 366}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["field"] == "token"
    assert applicant.api_tokens.count() == 1


def test_the_longest_lifetime_is_the_configured_one_on_the_api_and_the_portal(
    applicant: User, client: Client, settings: Any
) -> None:
    settings.AISC_TOKEN_MAX_DAYS = 30
    client.force_login(applicant)
    refused = client.post(
        "/api/v1/me/tokens", {"name": "long", "days": 31}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "rule_violation",
        "message": "must be between 1 and 30 days",
        "field": "days",
    }
    made = client.post("/api/v1/me/tokens", {"name": "default"}, content_type="application/json")
    assert made.status_code == 201
    lifetime = dt.datetime.fromisoformat(made.json()["expires_at"]) - timezone.now()
    assert dt.timedelta(days=29) < lifetime <= dt.timedelta(days=30)
    page = client.post("/accounts/tokens/", {"name": "portal", "days": 31}).content.decode()
    assert "less than or equal to 30" in page
    assert 'max="30"' in client.get("/accounts/tokens/").content.decode()


def test_the_last_use_of_a_token_is_shown_on_the_portal_and_in_the_api(
    applicant: User, client: Client
) -> None:
    secret = issue(applicant)
    assert works(secret)
    used = ApiToken.objects.get().last_used_at
    assert used is not None
    client.force_login(applicant)
    page = client.get("/accounts/tokens/").content.decode()
    assert timezone.localtime(used).strftime("%Y-%m-%d %H:%M") in page
    listed = client.get("/api/v1/me/tokens").json()["items"][0]
    shown = dt.datetime.fromisoformat(listed["last_used_at"])
    assert abs(shown - used) < dt.timedelta(milliseconds=1)  # JSON keeps milliseconds


@pytest.mark.parametrize("days", [None, 7])
def test_a_token_without_a_lifetime_gets_ninety_days_or_the_one_asked(
    applicant: User, days: int | None
) -> None:
    token = actions.do_create_api_token(acting_user=applicant, name="x", days=days).token
    expected = dt.timedelta(days=days or 90)
    assert expected - dt.timedelta(minutes=1) < token.expires_at - timezone.now() <= expected
