from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import User


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("auditor", ["/audit/"], []),
        ("admin", ["/audit/", "/accounts/tokens/"], []),
        ("reviewer", ["/accounts/tokens/"], ["/audit/"]),
    ],
)
def test_it_shows_each_role_its_own_navigation(
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
    role: str,
    shown: list[str],
    hidden: list[str],
) -> None:
    page = logged_in(make_user(role)).get("/dashboard/").content.decode()
    for url in shown:
        assert f'href="{url}"' in page
    for url in hidden:
        assert f'href="{url}"' not in page


def test_it_sends_anonymous_visitors_to_log_in(client: Client, db: None) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_logs_in_by_email(client: Client, applicant: User) -> None:
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": applicant.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_it_mails_a_password_reset_link(client: Client, applicant: User) -> None:
    from django.core import mail

    client.post("/accounts/password-reset/", {"email": applicant.email})
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.argon2
def test_it_hashes_passwords_with_argon2(applicant: User) -> None:
    assert applicant.password.startswith("argon2")


def test_it_gives_every_response_a_request_id(client: Client, db: None) -> None:
    assert len(client.get("/").headers["X-Request-ID"]) == 32
    # the server's own id, never the client's (which audit rows keep apart)
    assert client.get("/", HTTP_X_REQUEST_ID="abc").headers["X-Request-ID"] != "abc"


def test_a_new_account_is_led_to_an_organisation_and_staff_are_not_told_they_have_no_role(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user())
    new = client.get("/dashboard/").content.decode()
    assert "your account has no organisation and no staff role yet" in new
    assert 'href="/accounts/organisations/register/"' in new
    assert 'href="/accounts/organisations/#join"' in new
    assert 'id="join"' in client.get("/accounts/organisations/").content.decode()
    assert client.get("/accounts/organisations/register/").status_code == 200
    admin = logged_in(make_user("admin")).get("/dashboard/").content.decode()
    assert "no staff role" not in admin
    assert "No work waits for you." in admin
