"""Logging in, resetting a forgotten password, the token page, the profile and staff pages as a
user meets them, in English and in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import ApiToken, Role, User
from aisc.web.audit.models import AuditEvent
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-fresh-harbour-view-2027"


def log_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


# --- logging in ---------------------------------------------------------------------------


def test_a_user_logs_in_with_email_and_password_and_lands_on_the_dashboard(
    applicant: User, client: Client
) -> None:
    response = log_in(client, "applicant@example.hk")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/" or response["Location"].endswith("/")
    assert client.get("/api/v1/me").json()["email"] == "applicant@example.hk"


@pytest.mark.parametrize(
    "typed", ["Applicant@example.hk", "APPLICANT@EXAMPLE.HK", " applicant@example.hk"]
)
def test_the_email_at_login_is_matched_whatever_its_case(
    applicant: User, client: Client, typed: str
) -> None:
    """Addresses are stored in lower case; a phone that capitalises the first letter must
    not lock its owner out."""
    response = log_in(client, typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/api/v1/me").json()["email"] == "applicant@example.hk"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    applicant: User, client: Client
) -> None:
    response = log_in(client, "applicant@example.hk", "wrong-password")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Please enter a correct email and password" in page
    assert client.get("/api/v1/me").status_code == 401


def test_a_deactivated_user_cannot_log_in(applicant: User, client: Client) -> None:
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    assert log_in(client, "applicant@example.hk").status_code == 422
    assert client.get("/api/v1/me").status_code == 401


def test_the_login_goes_back_to_the_page_that_asked_for_it(applicant: User, client: Client) -> None:
    asked = client.get("/accounts/profile/")
    assert asked["Location"] == "/accounts/login/?next=/accounts/profile/"
    response = client.post(
        "/accounts/login/?next=/accounts/profile/",
        {"username": "applicant@example.hk", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


def test_logging_out_ends_the_session(applicant: User, client: Client) -> None:
    client.force_login(applicant)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


# --- forgotten password -------------------------------------------------------------------


def reset_link(body: str) -> str:
    found = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", body)
    assert found is not None, body
    return found.group(1)


def test_a_forgotten_password_is_reset_through_the_mailed_link(
    applicant: User, client: Client, mailoutbox: list[Any]
) -> None:
    response = client.post("/accounts/password-reset/", {"email": "Applicant@Example.hk"})
    assert response["Location"] == "/accounts/password-reset/done/"
    (sent,) = mailoutbox
    assert sent.to == ["applicant@example.hk"]
    form_url = client.get(reset_link(sent.body))["Location"]  # Django hides the token
    page = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert page["Location"] == "/accounts/reset/done/"
    assert log_in(Client(), "applicant@example.hk", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "applicant@example.hk", PASSWORD).status_code == 422


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.hk"})
    assert response["Location"] == "/accounts/password-reset/done/"
    assert mailoutbox == []


def test_a_malformed_reset_address_is_refused_with_422_beside_its_field_and_kept(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    response = client.post("/accounts/password-reset/", {"email": "not-an-address"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert 'value="not-an-address"' in page
    assert mailoutbox == []
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    chinese = client.post("/accounts/password-reset/", {"email": ""})
    assert chinese.status_code == 422
    assert "這個欄位是必須的。" in chinese.content.decode()


def test_a_reset_link_works_once(applicant: User, client: Client, mailoutbox: list[Any]) -> None:
    client.post("/accounts/password-reset/", {"email": "applicant@example.hk"})
    link = reset_link(mailoutbox[0].body)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True).content.decode()
    assert "This link is no longer valid. Ask for a new one." in again


def test_a_weak_new_password_is_refused_on_its_field(
    applicant: User, client: Client, mailoutbox: list[Any]
) -> None:
    client.post("/accounts/password-reset/", {"email": "applicant@example.hk"})
    form_url = client.get(reset_link(mailoutbox[0].body))["Location"]
    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 422
    assert "This password is too common." in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("weak", "rule"),
    [
        ("20261105", "This password is too short. It must contain at least 12 characters."),
        ("846302719465", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("applicant-example", "The password is too similar to the email."),
    ],
)
def test_a_new_password_follows_the_rules_of_length_numbers_commonness_and_likeness(
    applicant: User, client: Client, mailoutbox: list[Any], weak: str, rule: str
) -> None:
    client.post("/accounts/password-reset/", {"email": "applicant@example.hk"})
    form_url = client.get(reset_link(mailoutbox[0].body))["Location"]
    response = client.post(form_url, {"new_password1": weak, "new_password2": weak})
    assert rule in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


# --- tokens -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"name": "", "days": 30}, "This field is required."),
        ({"name": "ci", "days": 0}, "greater than or equal to 1"),
        ({"name": "ci", "days": 367}, "less than or equal to 366"),
    ],
)
def test_a_bad_token_request_is_shown_on_its_field_and_issues_nothing(
    applicant: User, logged_in: Callable[[User], Client], posted: dict[str, Any], message: str
) -> None:
    page = logged_in(applicant).post("/accounts/tokens/", posted).content.decode()
    assert message in page
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(verb="accounts.api_token.create").exists()


def test_the_token_page_lists_a_users_tokens_by_prefix_never_by_secret(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    first = client.post("/accounts/tokens/", {"name": "laptop", "days": 30}).content.decode()
    token = ApiToken.objects.get(name="laptop")
    secret = re.search(r"<code[^>]*>([^<]+)</code>", first)
    assert secret is not None
    assert secret.group(1).startswith(token.prefix)
    later = client.get("/accounts/tokens/").content.decode()
    assert token.prefix in later
    assert secret.group(1) not in later
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


# --- profile and staff pages --------------------------------------------------------------


def test_the_profile_page_speaks_chinese_and_keeps_the_choice(
    applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/accounts/profile/").content.decode()
    assert "Full name" not in page
    response = client.post(
        "/accounts/profile/",
        {"full_name": "陳大文", "language": "zh-hant", "time_zone": "Asia/Hong_Kong"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.full_name, applicant.language) == ("陳大文", "zh-hant")


def test_the_staff_list_shows_staff_and_a_search_finds_anyone(
    make_user: Callable[..., User], applicant: User, logged_in: Callable[[User], Client]
) -> None:
    admin = make_user(Role.ADMIN, email="root@aisc.hk")
    make_user(Role.FINANCE, email="fiona@aisc.hk", full_name="Fiona")
    client = logged_in(admin)
    listed = client.get("/accounts/staff/").content.decode()
    assert "fiona@aisc.hk" in listed
    assert "applicant@example.hk" not in listed  # holds no staff role
    found = client.get("/accounts/staff/", {"q": "APPLICANT"}).content.decode()
    assert "applicant@example.hk" in found
    assert "fiona@aisc.hk" not in found
    assert "Nobody matches." in client.get("/accounts/staff/", {"q": "zzz"}).content.decode()


def test_the_staff_list_pages_fifty_at_a_time_and_keeps_the_search(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    admin = make_user(Role.ADMIN, email="root@aisc.hk")
    for _ in range(55):
        make_user(Role.REVIEWER)
    client = logged_in(admin)
    page = client.get("/accounts/staff/", {"q": "example"}).content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?q=example&amp;page=2"' in page


def test_the_staff_role_page_names_the_roles_in_chinese(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    admin = make_user(Role.ADMIN, email="root@aisc.hk")
    person = make_user(Role.AUDITOR)
    client = logged_in(admin)
    client.cookies["django_language"] = "zh-hant"
    page = client.get(f"/accounts/staff/{person.pk}/").content.decode()
    for role in Role.objects.all():
        assert role.name_zh in page
    response = client.post(f"/accounts/staff/{person.pk}/", {"roles": ["wizard"]})
    assert response.status_code == 422
    assert User.objects.get(pk=person.pk).role_codes() == {"auditor"}
