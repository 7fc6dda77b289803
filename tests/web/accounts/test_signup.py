"""Sign-up: an account waits for its address to be confirmed through a signed, expiring link that
is mailed through the outbox; the page answers every address alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client

from aisc.core.errors import RuleViolation
from aisc.web.accounts import signup
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.outbox.dispatch import drain
from aisc.web.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-new-pass-99"
FORM = {
    "email": "Wong@Startup.example.hk",
    "full_name": "Wong Ka Ho",
    "password": PASSWORD,
    "password_again": PASSWORD,
    "language": "en",
}


def mailed_link() -> str:
    drain()
    found = re.search(r"http://testserver(/accounts/verify/\S+)", str(mail.outbox[-1].body))
    assert found is not None, mail.outbox[-1].body
    return found.group(1)


def test_signing_up_queues_the_link_in_the_outbox_and_the_account_cannot_log_in_yet(
    client: Client,
) -> None:
    page = client.post("/accounts/signup/", FORM)
    assert page.status_code == 200
    assert b"wong@startup.example.hk" in page.content.lower()
    user = User.objects.get(email="wong@startup.example.hk")
    assert not user.email_verified
    assert OutboxMessage.objects.count() == 1  # queued, not sent inside the request
    assert mail.outbox == []
    assert AuditEvent.objects.filter(verb="accounts.user.sign_up").count() == 1
    refused = client.post(
        "/accounts/login/", {"username": "wong@startup.example.hk", "password": PASSWORD}
    )
    assert refused.status_code == 422
    assert b"Confirm your e-mail address first" in refused.content


def test_following_the_link_asks_first_then_confirms_logs_in_and_is_audited(
    client: Client,
) -> None:
    client.post("/accounts/signup/", FORM)
    link = mailed_link()
    assert client.get(link).status_code == 200
    assert not User.objects.get(email="wong@startup.example.hk").email_verified
    done = client.post(link)
    assert done.status_code == 302
    assert done["Location"] == "/accounts/organisations/"
    user = User.objects.get(email="wong@startup.example.hk")
    assert user.email_verified
    assert AuditEvent.objects.filter(verb="accounts.user.verify_email", actor=user).count() == 1
    assert client.get("/accounts/organisations/").status_code == 200
    client.post(link)  # again: nothing more happens
    assert AuditEvent.objects.filter(verb="accounts.user.verify_email").count() == 1
    client.logout()
    again = client.post(
        "/accounts/login/", {"username": "wong@startup.example.hk", "password": PASSWORD}
    )
    assert again.status_code == 302


def test_an_expired_link_is_refused_and_says_how_to_get_another(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post("/accounts/signup/", FORM)
    link = mailed_link()
    monkeypatch.setattr(signup, "LINK_DAYS", 0)
    page = client.post(link)
    assert page.status_code == 400
    assert b"this link has expired" in page.content
    assert not User.objects.get(email="wong@startup.example.hk").email_verified


def test_a_forged_link_is_refused(client: Client, make_user: Callable[..., User]) -> None:
    victim = make_user(email_verified=False)
    forged = signing.dumps({"u": victim.pk, "e": victim.email}, salt="another purpose")
    page = client.post(f"/accounts/verify/{forged}/")
    assert page.status_code == 400
    assert b"this link is not valid" in page.content
    victim.refresh_from_db()
    assert not victim.email_verified


def test_signing_up_with_a_registered_address_answers_alike_and_changes_nothing(
    client: Client, make_user: Callable[..., User]
) -> None:
    known = make_user(email="wong@startup.example.hk")
    old_hash = known.password
    page = client.post("/accounts/signup/", FORM)
    assert page.status_code == 200
    assert b"Check your mail" in page.content
    known.refresh_from_db()
    assert known.password == old_hash
    assert not AuditEvent.objects.filter(verb="accounts.user.sign_up").exists()
    drain()
    assert mail.outbox[-1].subject == "Your address is already registered on AISC"
    assert "/accounts/password-reset/" in str(mail.outbox[-1].body)


def test_signing_up_again_before_confirming_mails_a_fresh_link(client: Client) -> None:
    client.post("/accounts/signup/", FORM)
    client.post("/accounts/signup/", FORM)
    assert User.objects.filter(email="wong@startup.example.hk").count() == 1
    drain()
    assert [m.subject for m in mail.outbox] == ["Confirm your e-mail address for AISC"] * 2


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"password_again": "something-else-1"}, "password_again", b"The two passwords differ"),
        ({"password": "short", "password_again": "short"}, "password", b"too short"),
        ({"email": "not an address"}, "email", b"valid email"),
    ],
)
def test_a_refused_sign_up_keeps_what_was_typed_and_names_the_rule(
    client: Client, change: dict[str, str], field: str, words: bytes
) -> None:
    page = client.post("/accounts/signup/", {**FORM, "change": "", **change})
    assert page.status_code == 422
    assert words in page.content
    assert b"Wong Ka Ho" in page.content
    assert not User.objects.exists()


def test_sign_up_is_throttled_per_address(client: Client, settings: Any) -> None:
    settings.AISC_RATES = {**settings.AISC_RATES, "signup_address": "2/hour"}
    for _ in range(2):
        assert client.post("/accounts/signup/", FORM).status_code == 200
    refused = client.post("/accounts/signup/", FORM)
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_sign_up_in_chinese_answers_in_chinese_and_mails_in_the_chosen_language(
    client: Client,
) -> None:
    page = client.post(
        "/accounts/signup/", {**FORM, "language": "zh-hant"}, HTTP_ACCEPT_LANGUAGE="zh-hant"
    )
    assert "請查看電郵".encode() in page.content
    drain()
    assert mail.outbox[-1].subject == "確認你在 AISC 的電郵地址"


def test_the_action_refuses_a_language_the_portal_does_not_speak() -> None:
    with pytest.raises(RuleViolation) as caught:
        signup.do_sign_up(
            email="x@example.hk",
            password=PASSWORD,
            full_name="",
            language="fr",
            base_url="http://testserver/",
        )
    assert caught.value.field == "language"
