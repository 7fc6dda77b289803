"""Periodic tasks that `aisc worker` runs: a small registry with one line per task.

    from aisc.web import worker_tasks
    worker_tasks.register("slurm.reconcile", 300, reconcile)   # in the app's AppConfig.ready

Each task's next due time is stored (outbox.TaskRun), so a restart does not rerun a daily task,
and a conditional update claims a run, so two workers never run the same task at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from aisc.web.outbox.models import TaskRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    name: str
    every: dt.timedelta
    fn: Callable[[], object]


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str


_tasks: dict[str, Task] = {}


def register(name: str, every_seconds: float, fn: Callable[[], object]) -> Task:
    """Register a task; registering one name twice is a programming error."""
    if every_seconds <= 0:
        raise ValueError(f"{name}: every_seconds must be positive (got {every_seconds})")
    existing = _tasks.get(name)
    if existing is not None and existing.fn is not fn:
        raise RuntimeError(f"a worker task named {name!r} is already registered")
    task = Task(name, dt.timedelta(seconds=every_seconds), fn)
    _tasks[name] = task
    return task


def unregister(name: str) -> None:
    _tasks.pop(name, None)


def registered() -> list[Task]:
    return sorted(_tasks.values(), key=lambda t: t.name)


def claim(task: Task, now: dt.datetime) -> bool:
    """Move the task's due time on by one period if it is due; True when this caller won."""
    TaskRun.objects.get_or_create(name=task.name, defaults={"due_at": now})
    won = TaskRun.objects.filter(name=task.name, due_at__lte=now).update(
        due_at=now + task.every, last_started_at=now
    )
    return won == 1


def run_one(task: Task) -> Outcome:
    try:
        result = task.fn()
    except Exception as exc:
        log.exception("worker task %s failed", task.name)
        detail = f"{type(exc).__name__}: {exc}"
        TaskRun.objects.filter(name=task.name).update(
            last_finished_at=timezone.now(), last_error=detail[:2000]
        )
        return Outcome(task.name, False, detail)
    TaskRun.objects.filter(name=task.name).update(last_finished_at=timezone.now(), last_error="")
    return Outcome(task.name, True, "" if result is None else str(result))


def run_due(
    now: dt.datetime | None = None, stop: Callable[[], bool] = lambda: False
) -> list[Outcome]:
    """Run every task that is due, each at most once; a failing task does not stop the others.
    `stop()` is asked before each task: a stopping worker finishes the task it runs, starts no
    other, and leaves the rest due for the next worker."""
    now = now or timezone.now()
    outcomes = []
    for task in registered():
        if stop():
            break
        if claim(task, now):
            outcomes.append(run_one(task))
    return outcomes
