"""`aisc worker --once` and `aisc notify digest`, run in-process against the test database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.db import transaction
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web import notify, worker_tasks
from aisc.web.accounts.models import User
from aisc.web.outbox.dispatch import drain

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def no_other_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_tasks, "_tasks", {})


def queue_mail(user: User) -> None:
    with transaction.atomic():
        notify.send(user, "Award approved", "notify/digest.txt", {"items": []})


def test_worker_once_delivers_the_outbox_and_runs_due_tasks(
    make_user: Callable[..., User], no_other_tasks: None
) -> None:
    worker_tasks.register("test.count", 60, lambda: "counted")
    queue_mail(make_user(email="ada@example.hk"))
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "periodic tasks: test.count" in result.output
    assert "outbox: 1 sent, 0 failed" in result.output
    assert "task test.count: ok counted" in result.output
    assert [m.to for m in mail.outbox] == [["ada@example.hk"]]


def test_worker_reports_a_failing_task_and_carries_on(no_other_tasks: None) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    worker_tasks.register("test.broken", 60, broken)
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0
    assert "task test.broken: FAILED RuntimeError: boom" in result.output


def test_the_daily_digest_is_a_registered_worker_task() -> None:
    assert "notify.digest" in [t.name for t in worker_tasks.registered()]


def test_notify_digest_sends_waiting_digests_now(make_user: Callable[..., User]) -> None:
    queue_mail(make_user(email="bea@example.hk", digest_mail=True))
    drain()
    assert mail.outbox == []
    result = runner.invoke(app, ["notify", "digest"])
    assert result.exit_code == 0
    assert "digests sent: 1" in result.output
    assert [m.to for m in mail.outbox] == [["bea@example.hk"]]


def test_a_worker_pass_leaves_a_heartbeat_row_marked_stopped(no_other_tasks: None) -> None:
    from aisc.web.outbox.models import WorkerHeartbeat

    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    (row,) = WorkerHeartbeat.objects.all()
    assert f"aisc worker {row.name}: periodic tasks: none" in result.output
    assert "aisc worker: stopped (0 claims given back)" in result.output
    assert row.stopped_at is not None
