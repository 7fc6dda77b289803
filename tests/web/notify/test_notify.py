"""Notifications: queued with the caller's change, mailed by the worker, or kept for the digest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aisc.adapters.mail import MemoryMailer
from aisc.web import notify
from aisc.web.accounts.models import User
from aisc.web.notify.mailing import deliver, send_digests
from aisc.web.notify.models import DigestItem
from aisc.web.outbox.dispatch import drain
from aisc.web.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
TEMPLATE = "notify/digest.txt"  # any text template does; this one needs `items`


def send(user: User, subject: Any = "Award approved", **context: Any) -> OutboxMessage:
    context.setdefault("items", [])
    with transaction.atomic():
        return notify.send(user, subject, TEMPLATE, context)


def test_send_writes_an_outbox_message_and_the_worker_mails_it(
    make_user: Callable[..., User],
) -> None:
    ada = make_user(email="ada@example.hk", full_name="Ada")
    message = send(ada)
    assert message.kind == "notify.mail"
    assert mail.outbox == []
    assert drain() == (1, 0)
    [sent] = mail.outbox
    assert sent.to == ["ada@example.hk"]
    assert sent.subject == "Award approved"
    assert "Hello Ada," in sent.body


def test_nothing_is_mailed_when_the_callers_transaction_rolls_back(
    make_user: Callable[..., User],
) -> None:
    ada = make_user()

    def decide_and_fail() -> None:
        with transaction.atomic():
            notify.send(ada, "Award approved", TEMPLATE, {"items": []})
            raise RuntimeError("the decision failed")

    with pytest.raises(RuntimeError):
        decide_and_fail()
    assert drain() == (0, 0)
    assert mail.outbox == []


def test_the_mail_is_written_in_the_users_language(make_user: Callable[..., User]) -> None:
    chan = make_user(full_name="陳大文", language="zh-hant")
    send(chan, subject=_("Log in"))
    drain()
    [sent] = mail.outbox
    assert sent.subject == "登入"
    assert "陳大文" in sent.body
    assert "Hello" not in sent.body


def test_a_long_or_multi_line_subject_becomes_one_line_of_at_most_200_characters(
    make_user: Callable[..., User],
) -> None:
    message = send(make_user(), subject="line one\nline two " + "x" * 300)
    subject = message.payload["subject"]
    assert subject.startswith("line one line two x")
    assert len(subject) == 200


def test_a_digest_user_gets_nothing_until_the_digest_then_one_mail_for_all(
    make_user: Callable[..., User],
) -> None:
    bea = make_user(email="bea@example.hk", digest_mail=True)
    send(bea, subject="First")
    send(bea, subject="Second")
    assert drain() == (2, 0)
    assert mail.outbox == []
    assert DigestItem.objects.filter(user=bea, sent_at__isnull=True).count() == 2
    assert send_digests() == 1
    [digest] = mail.outbox
    assert digest.to == ["bea@example.hk"]
    assert digest.subject == "Your daily AISC digest: 2 notifications"
    assert digest.body.index("== First") < digest.body.index("== Second")
    assert send_digests() == 0


def test_a_digest_that_cannot_be_sent_is_kept_and_the_others_still_go(
    make_user: Callable[..., User],
) -> None:
    down = MemoryMailer()
    down.fail_with = "connection refused"
    bea = make_user(digest_mail=True)
    deliver({"user_id": bea.pk, "subject": "S", "body": "B"})
    assert send_digests(down) == 0
    assert DigestItem.objects.get().sent_at is None
    working = MemoryMailer()
    assert send_digests(working) == 1
    assert working.sent[0].to == (bea.email,)


def test_a_mail_server_that_is_down_delays_the_mail_and_loses_nothing(
    make_user: Callable[..., User], settings: Any
) -> None:
    ada = make_user()
    message = send(ada)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert drain() == (0, 1)
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.last_error.startswith("MailError")


def test_a_deactivated_user_is_not_mailed(make_user: Callable[..., User]) -> None:
    ada = make_user()
    send(ada)
    User.objects.filter(pk=ada.pk).update(is_active=False)
    assert drain() == (1, 0)
    assert mail.outbox == []


def test_the_mail_goes_to_the_address_the_user_has_when_it_is_sent(
    make_user: Callable[..., User],
) -> None:
    ada = make_user(email="old@example.hk")
    send(ada)
    User.objects.filter(pk=ada.pk).update(email="new@example.hk")
    drain()
    assert mail.outbox[0].to == ["new@example.hk"]
