"""AISC_LOG_FORMAT=json: one JSON object per line, each with the request id and the signed-in
user's id; a refused request (403, 404) is one line without a traceback; mail bodies never
reach the log."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from aisc.adapters.mail import DjangoMailer
from aisc.web.accounts.models import User
from aisc.web.notify import mailing
from aisc.web.ops import logs
from aisc.web.outbox import dispatch
from aisc.web.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The logging set up as AISC_LOG_FORMAT=json AISC_LOG_LEVEL=DEBUG would, its console
    handler writing to a buffer; each call returns the lines written since the last, parsed."""
    logging.config.dictConfig(logs.config("json", "DEBUG"))
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    handler.setStream(buffer)

    def lines() -> list[dict[str, Any]]:
        written = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return [json.loads(line) for line in written.splitlines() if line.strip()]

    yield lines
    logging.config.dictConfig(settings.LOGGING)


def test_each_request_is_one_json_line_with_its_request_id_and_user_id(
    json_log: Callable[[], list[dict[str, Any]]],
    applicant: User,
    logged_in: Callable[[User], Client],
) -> None:
    response = logged_in(applicant).get("/dashboard/")
    assert response.status_code == 200
    (line,) = json_log()
    assert line["logger"] == "aisc.request"
    assert line["level"] == "INFO"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == applicant.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/dashboard/", 200)
    assert line["duration_ms"] >= 0
    assert "time" in line


def test_an_anonymous_request_logs_no_user(
    json_log: Callable[[], list[dict[str, Any]]], client: Client
) -> None:
    client.get("/healthz")
    (line,) = json_log()
    assert line["user_id"] is None
    assert line["status"] == 200


@pytest.mark.parametrize("path", ["/no-such-page/", "/audit/"])
def test_a_refused_request_is_one_line_without_a_traceback(
    json_log: Callable[[], list[dict[str, Any]]],
    applicant: User,
    logged_in: Callable[[User], Client],
    path: str,
) -> None:
    response = logged_in(applicant).get(path)
    assert response.status_code in {403, 404}
    (line,) = json_log()
    assert line["status"] == response.status_code
    assert line["level"] == "INFO"
    assert "exc_info" not in line
    assert "Traceback" not in json.dumps(line)


def test_a_mail_body_never_reaches_the_log_sent_or_failed(
    json_log: Callable[[], list[dict[str, Any]]],
    applicant: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "set-password link 7f3a9c-do-not-log"
    with transaction.atomic():
        mailing.queue(applicant, "Welcome", "notify/digest.txt", {"items": [], "x": secret})
        sent = dispatch.enqueue(
            mailing.KIND, {"user_id": applicant.pk, "subject": "Hi", "body": secret}
        )
    dispatch.drain()
    assert OutboxMessage.objects.get(pk=sent.pk).state == "sent"

    def refuse(self: Any, mail: Any) -> None:
        raise OSError("mail server said no")

    monkeypatch.setattr(settings, "AISC_OUTBOX_MAX_ATTEMPTS", 1)
    monkeypatch.setattr(DjangoMailer, "send", refuse)
    with transaction.atomic():
        failed = dispatch.enqueue(
            mailing.KIND, {"user_id": applicant.pk, "subject": "Hi", "body": secret}
        )
    dispatch.drain()
    assert OutboxMessage.objects.get(pk=failed.pk).state == "dead"
    lines = json_log()
    assert any("dead letter" in line["message"] for line in lines)
    assert secret not in json.dumps(lines)
