"""The registry of periodic tasks that `aisc worker` runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aisc.web import worker_tasks
from aisc.web.outbox.models import TaskRun

pytestmark = pytest.mark.django_db
runs: list[str] = []


def tick() -> str:
    runs.append("tick")
    return "3 rows"


def broken() -> None:
    raise ValueError("slurmctld unreachable")


@pytest.fixture(autouse=True)
def only_test_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_tasks, "_tasks", {})
    runs.clear()


def test_a_new_task_is_due_at_once_and_then_once_per_period() -> None:
    worker_tasks.register("test.tick", 60, tick)
    now = timezone.now()
    [outcome] = worker_tasks.run_due(now)
    assert outcome == worker_tasks.Outcome("test.tick", True, "3 rows")
    assert worker_tasks.run_due(now + dt.timedelta(seconds=59)) == []
    assert [o.name for o in worker_tasks.run_due(now + dt.timedelta(seconds=60))] == ["test.tick"]
    assert runs == ["tick", "tick"]


def test_the_due_time_is_stored_so_a_restarted_worker_does_not_rerun_a_task() -> None:
    worker_tasks.register("test.tick", 3600, tick)
    now = timezone.now()
    worker_tasks.run_due(now)
    assert TaskRun.objects.get(name="test.tick").due_at == now + dt.timedelta(hours=1)
    # A second worker (or a restart) sees the stored due time.
    assert worker_tasks.claim(worker_tasks.registered()[0], now) is False


def test_a_failing_task_is_reported_and_does_not_stop_the_others() -> None:
    worker_tasks.register("test.broken", 60, broken)
    worker_tasks.register("test.tick", 60, tick)
    outcomes = worker_tasks.run_due()
    assert [(o.name, o.ok) for o in outcomes] == [("test.broken", False), ("test.tick", True)]
    assert outcomes[0].detail == "ValueError: slurmctld unreachable"
    assert TaskRun.objects.get(name="test.broken").last_error == "ValueError: slurmctld unreachable"
    assert TaskRun.objects.get(name="test.tick").last_error == ""


def test_a_task_that_returns_nothing_reports_no_detail() -> None:
    worker_tasks.register("test.quiet", 60, lambda: None)
    assert worker_tasks.run_due() == [worker_tasks.Outcome("test.quiet", True, "")]


def test_registering_two_tasks_under_one_name_is_refused() -> None:
    worker_tasks.register("test.tick", 60, tick)
    worker_tasks.register("test.tick", 60, tick)  # the same function again: harmless
    with pytest.raises(RuntimeError, match="already registered"):
        worker_tasks.register("test.tick", 60, broken)


def test_a_period_must_be_positive() -> None:
    with pytest.raises(ValueError, match="every_seconds must be positive"):
        worker_tasks.register("test.tick", 0, tick)


def test_unregister_removes_a_task() -> None:
    worker_tasks.register("test.tick", 60, tick)
    worker_tasks.unregister("test.tick")
    assert worker_tasks.registered() == []
