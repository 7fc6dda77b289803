"""Brute force and floods, as the security probe tried them: log-in lock-out per account and per
address (portal and admin), capped password-reset mail, token creation and API rate limits
answered 429 with Retry-After."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import RateCount, Role, User
from aisc.web.accounts.throttling import ApiThrottle
from tests.conftest import PASSWORD

WRONG = "not-the-password-at-all"


def log_in(client: Client, email: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client: Client) -> bool:
    return bool(client.get("/api/v1/me").status_code == 200)


def test_two_hundred_wrong_passwords_then_the_right_one_does_not_log_in(
    applicant: User, client: Client
) -> None:
    answers = [log_in(client, applicant.email, WRONG).status_code for _ in range(200)]
    assert answers[:4] == [422] * 4  # the form again, with its error
    assert set(answers[5:]) == {429}
    response = log_in(client, applicant.email, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Please try again in 15 min." in response.content.decode()
    assert not logged_in(client)


def test_an_account_is_locked_whatever_address_the_guesses_come_from_and_whatever_case(
    applicant: User, client: Client
) -> None:
    for n, typed in enumerate(["applicant@example.hk", "APPLICANT@example.hk"] * 3):
        log_in(client, typed, WRONG, address=f"10.0.1.{n}")
    assert log_in(client, applicant.email, PASSWORD, address="10.0.2.1").status_code == 429
    assert not logged_in(client)


def test_an_address_that_guesses_across_accounts_is_locked_and_other_addresses_are_not(
    make_user: Any, client: Client
) -> None:
    users = [make_user() for _ in range(6)]
    for user in users[:5]:
        log_in(client, user.email, WRONG, address="10.0.3.1")
    assert log_in(client, users[5].email, PASSWORD, address="10.0.3.1").status_code == 429
    assert log_in(client, users[5].email, PASSWORD, address="10.0.3.2").status_code == 302
    assert logged_in(client)


def test_a_right_password_before_the_limit_logs_in_and_clears_the_count(
    applicant: User, client: Client
) -> None:
    for _ in range(4):
        log_in(client, applicant.email, WRONG)
    assert log_in(client, applicant.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, applicant.email, WRONG)
    assert log_in(client, applicant.email, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_the_same_way(
    make_user: Any, client: Client, admin_user: User
) -> None:
    for _ in range(6):
        client.post(
            "/admin/login/",
            {"username": admin_user.email, "password": WRONG},
            REMOTE_ADDR="10.9.0.1",
        )
    response = client.post(
        "/admin/login/",
        {"username": admin_user.email, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.9.0.2",
    )
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still sent to log in


def test_the_lock_out_page_speaks_the_users_language(applicant: User, client: Client) -> None:
    client.cookies["django_language"] = "zh-hant"
    for _ in range(6):
        response = log_in(client, applicant.email, WRONG)
    assert response.status_code == 429
    assert "嘗試次數過多" in response.content.decode()


# --- password-reset mail ------------------------------------------------------------------


def test_reset_mail_for_one_person_is_capped_whoever_asks(
    applicant: User, client: Client, mailoutbox: list[Any]
) -> None:
    answers = [
        client.post(
            "/accounts/password-reset/", {"email": applicant.email}, REMOTE_ADDR=f"10.1.0.{n}"
        )
        for n in range(20)
    ]
    assert len(mailoutbox) == 3
    assert [r.status_code for r in answers[:3]] == [302] * 3
    assert {r.status_code for r in answers[3:]} == {429}
    # The rest of this hour, then until the 3 of it weigh 2 in the sliding hour.
    assert 0 < int(answers[-1]["Retry-After"]) <= 3600 + 3600 // 3


def test_one_client_asking_reset_mail_for_many_addresses_is_capped(
    make_user: Any, client: Client, mailoutbox: list[Any]
) -> None:
    users = [make_user() for _ in range(22)]
    codes = [
        client.post("/accounts/password-reset/", {"email": u.email}).status_code for u in users
    ]
    assert codes[:20] == [302] * 20
    assert codes[20:] == [429, 429]
    assert len(mailoutbox) == 20


def test_the_reset_form_itself_is_never_throttled(applicant: User, client: Client) -> None:
    for _ in range(30):
        assert client.get("/accounts/password-reset/").status_code == 200


# --- tokens and the API -------------------------------------------------------------------


def test_token_creation_is_capped_per_user_on_the_api_and_the_portal(
    applicant: User, client: Client
) -> None:
    client.force_login(applicant)
    codes = [
        client.post(
            "/api/v1/me/tokens", {"name": f"t{n}"}, content_type="application/json"
        ).status_code
        for n in range(10)
    ]
    assert codes == [201] * 10
    response = client.post(
        "/api/v1/me/tokens", {"name": "one more"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json() == {
        "error": {
            "code": "throttled",
            "message": "too many requests; wait and try again",
            "field": None,
        }
    }
    assert int(response["Retry-After"]) > 0
    page = client.post("/accounts/tokens/", {"name": "via the portal", "days": 30})
    assert page.status_code == 429
    assert applicant.api_tokens.count() == 10


def test_api_calls_are_limited_per_token(
    applicant: User, make_user: Any, client: Client, settings: Any
) -> None:
    settings.AISC_RATES = {**settings.AISC_RATES, "api": "3/min"}
    first = do_create_api_token(acting_user=applicant, name="a", days=5).secret
    second = do_create_api_token(acting_user=applicant, name="b", days=5).secret
    codes = [
        client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


def test_the_anonymous_estimator_is_limited_per_address(
    db: None, client: Client, settings: Any
) -> None:
    settings.AISC_RATES = {**settings.AISC_RATES, "anonymous": "2/min"}
    body = {"params": 7e9, "tokens": 1e11, "chip": "h800"}

    def post(address: str) -> Any:
        return client.post(
            "/api/v1/estimate", body, content_type="application/json", REMOTE_ADDR=address
        )

    assert [post("10.2.0.1").status_code for _ in range(3)] == [200, 200, 429]
    refused = post("10.2.0.1")
    assert refused.json()["error"]["code"] == "throttled"
    # The rest of this minute, then until the 2 of it weigh 1 in the sliding minute.
    assert 0 < int(refused["Retry-After"]) <= 60 + 30
    assert post("10.2.0.2").status_code == 200


def test_the_counts_are_kept_in_the_database_so_every_server_process_shares_them(
    db: None, client: Client, settings: Any
) -> None:
    settings.AISC_RATES = {**settings.AISC_RATES, "anonymous": "2/min"}
    body = {"params": 7e9, "tokens": 1e11, "chip": "h800"}

    def post() -> int:
        answer = client.post(
            "/api/v1/estimate", body, content_type="application/json", REMOTE_ADDR="10.2.1.1"
        )
        return int(answer.status_code)

    assert post() == 200
    row = RateCount.objects.get(bucket="aisc-throttle:anonymous:10.2.1.1")
    assert (row.count, row.previous) == (1, 0)
    # What another process would see: a throttle made afresh, holding nothing of its own.
    assert ApiThrottle().allow_request(estimate_request("10.2.1.1"))
    assert [post(), post()] == [429, 429]
    assert RateCount.objects.get(pk=row.pk).count == 2  # refused requests are not counted


def test_the_limit_holds_when_many_processes_count_at_once(
    transactional_db: None, settings: Any
) -> None:
    """Each thread has its own database connection, as each server thread has: on PostgreSQL
    they really race, and exactly the limit's worth is allowed."""
    settings.AISC_RATES = {**settings.AISC_RATES, "anonymous": "30/min"}
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (the postgres stage runs this)")
    barrier = threading.Barrier(8)
    answers: list[bool] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait()
            answers.extend(
                ApiThrottle().allow_request(estimate_request("10.2.2.1")) for _ in range(6)
            )
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers.count(True) == 30
    assert answers.count(False) == 18


def test_a_client_that_waits_as_told_gets_in_and_the_wait_is_exact(
    db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.AISC_RATES = {**settings.AISC_RATES, "anonymous": "2/min"}
    now = [6_000_015.0]  # 15 s into a minute
    monkeypatch.setattr("aisc.web.accounts.throttling.time.time", lambda: now[0])
    throttle = ApiThrottle()
    request = estimate_request("10.2.3.1")
    assert [throttle.allow_request(request) for _ in range(3)] == [True, True, False]
    # To the next minute (45 s), then until the two weigh at most one (30 s more).
    assert throttle.retry_after() == 75
    now[0] += 74
    assert not throttle.allow_request(request)
    now[0] += 1
    assert throttle.allow_request(request)


def estimate_request(address: str) -> Any:
    from django.test import RequestFactory

    return RequestFactory().post("/api/v1/estimate", REMOTE_ADDR=address)


@pytest.fixture
def admin_user(make_user: Any) -> User:
    user: User = make_user(Role.ADMIN, email="root@example.hk", is_staff=True, is_superuser=True)
    return user
