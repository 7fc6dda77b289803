"""The signed head of the audit chain also goes by mail to the auditors (issue 15, "mail to the
auditors"): a copy off the database host that whoever owns the database cannot recall. The mail
goes through the outbox, at once even to a digest reader, and its body never reaches the log."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web import worker_tasks
from aisc.web.accounts.models import User
from aisc.web.audit import anchor
from aisc.web.audit.models import AuditEvent
from aisc.web.outbox.dispatch import drain
from aisc.web.outbox.models import OutboxMessage
from tests.append_only import lifted
from tests.web.audit.test_chain import write_events

pytestmark = pytest.mark.django_db
runner = CliRunner()


def run_mail_task() -> worker_tasks.Outcome:
    task = next(t for t in worker_tasks.registered() if t.name == "audit.anchor_mail")
    return worker_tasks.run_one(task)


def mailed_anchor(body: str, tmp_path: Path) -> Path:
    """The anchor line of a mail, saved as the file `aisc audit verify --anchor` reads."""
    (line,) = [x.strip() for x in body.splitlines() if x.strip().startswith('{"at"')]
    path = tmp_path / "mailed-anchor.json"
    path.write_text(line + "\n")
    return path


def test_every_active_auditor_gets_the_signed_head_by_mail_and_nobody_else(
    make_user: Callable[..., User],
) -> None:
    write_events(3)
    ada = make_user("auditor", email="ada@example.hk")
    bo = make_user("auditor", "finance", email="bo@example.hk", language="zh-hant")
    make_user("auditor", email="gone@example.hk", is_active=False)
    make_user("finance", email="fin@example.hk")
    make_user(email="someone@example.hk")
    outcome = run_mail_task()
    assert outcome.ok, outcome.detail
    assert outcome.detail == "audit anchor of 3 rows mailed to 2 auditors"
    assert drain() == (2, 0)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == [ada.email, bo.email]
    head = anchor.current_head()
    english, chinese = by_address[ada.email], by_address[bo.email]
    assert english.subject.startswith("AISC audit anchor: 3 rows at ")
    assert "aisc audit verify --anchor FILE" in english.body
    assert f'"hash":"{head.hash}"' in english.body
    assert "稽核" in chinese.subject
    assert f'"hash":"{head.hash}"' in chinese.body


def test_the_mailed_anchor_verifies_and_catches_the_newest_rows_deleted(
    make_user: Callable[..., User], tmp_path: Path
) -> None:
    write_events(4)
    make_user("auditor", email="ada@example.hk")
    run_mail_task()
    drain()
    path = mailed_anchor(str(mail.outbox[0].body), tmp_path)
    intact = runner.invoke(app, ["audit", "verify", "--anchor", str(path)])
    assert intact.exit_code == 0, intact.output
    with lifted():
        AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("-id")[0].pk).delete()
    broken = runner.invoke(app, ["audit", "verify", "--anchor", str(path)])
    assert broken.exit_code == 1
    assert "the anchored head is gone" in broken.output


def test_a_digest_reader_gets_the_anchor_at_once_not_in_tomorrows_digest(
    make_user: Callable[..., User],
) -> None:
    write_events(1)
    make_user("auditor", email="ada@example.hk", digest_mail=True)
    run_mail_task()
    assert drain() == (1, 0)
    assert [m.to for m in mail.outbox] == [["ada@example.hk"]]


def test_the_anchor_mail_is_never_written_to_the_log(
    make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    write_events(2)
    make_user("auditor", email="ada@example.hk")
    caplog.set_level(logging.DEBUG)
    outcome = run_mail_task()
    drain()
    head = anchor.current_head()
    assert OutboxMessage.objects.filter(kind="notify.mail").count() == 1
    logged = caplog.text + outcome.detail
    assert head.hash not in logged
    assert not re.search(r"[0-9a-f]{64}", logged)


def test_no_auditor_means_no_mail_and_no_failure() -> None:
    write_events(1)
    outcome = run_mail_task()
    assert (outcome.ok, outcome.detail) == (True, "audit anchor of 1 rows mailed to 0 auditors")
    assert OutboxMessage.objects.count() == 0
