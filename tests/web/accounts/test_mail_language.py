"""Mail is written in its recipient's language (their profile's `language`), whoever triggered it
and in whatever language that page was read: a password reset asked for from an English page
reaches a Chinese reader in Chinese, a committee's decision taken on a Chinese page reaches an
English applicant in English. The outbox and Django's mail outbox are real; nothing is mocked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.models import Application
from aisc.web.outbox.models import OutboxMessage
from tests.fixtures.grants import Mails

pytestmark = pytest.mark.django_db


def ask_for_a_reset(user: User, page_language: str) -> None:
    client = Client()
    client.cookies["django_language"] = page_language
    client.post("/accounts/password-reset/", {"email": user.email})


def test_a_reset_asked_for_on_an_english_page_reaches_a_chinese_reader_in_chinese(
    applicant: User, mailoutbox: list[Any]
) -> None:
    applicant.language = "zh-hant"
    applicant.save(update_fields=["language"])
    ask_for_a_reset(applicant, "en")
    [sent] = mailoutbox
    assert sent.subject == "重設你的 AISC 密碼"
    assert "有人要求重設你的 AISC 帳戶密碼。如果是你本人，請打開此連結：" in sent.body
    assert "Someone asked" not in sent.body


def test_a_reset_asked_for_on_a_chinese_page_reaches_an_english_reader_in_english(
    applicant: User, mailoutbox: list[Any]
) -> None:
    ask_for_a_reset(applicant, "zh-hant")
    [sent] = mailoutbox
    assert sent.subject == "Reset your AISC password"
    assert "Someone asked to reset the password of your AISC account" in sent.body


def last_body() -> str:
    message = OutboxMessage.objects.filter(kind="notify.mail").order_by("id").last()
    assert message is not None
    return str(message.payload["body"])


@pytest.mark.usefixtures("files_dir", "price", "inventory")  # what a submitted application needs
def test_a_decision_taken_on_a_page_in_one_language_reaches_each_person_in_their_own(
    submitted: Application,
    secretariat: User,
    applicant: User,
    make_user: Callable[..., User],
    sent: Mails,
) -> None:
    answers = dict.fromkeys(submitted.call.checklist_codes(), True)
    with translation.override("zh-hant"):
        actions.do_screen(
            acting_user=secretariat, application=submitted, outcome="pass", answers=answers
        )
    assert sent()[-1] == (applicant.email, "Your application changed status")
    assert f'Your application "{submitted.title}" is now: In review.' in last_body()
    reviewer = make_user("reviewer", language="zh-hant")
    with translation.override("en"):
        actions.do_assign_reviewer(
            acting_user=secretariat, application=submitted, reviewer=reviewer
        )
    assert sent()[-1] == (reviewer.email, "你有一份申請需要評審")
    assert "You have been asked" not in last_body()
