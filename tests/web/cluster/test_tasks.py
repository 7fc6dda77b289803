"""`aisc worker` advances the embedded cluster to now and meters it (task cluster.advance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from aisc.web import worker_tasks
from aisc.web.allocations.models import Allocation
from aisc.web.billing.ingest import sources
from aisc.web.billing.models import UsageRecord
from aisc.web.cluster import service
from aisc.web.cluster.models import ClusterClock, EmbeddedJob

pytestmark = pytest.mark.django_db


def test_the_worker_has_the_advance_task_registered() -> None:
    (task,) = [t for t in worker_tasks.registered() if t.name == "cluster.advance"]
    assert task.fn is sources.advance_and_meter
    assert task.every == dt.timedelta(seconds=sources.ADVANCE_SECONDS)


def test_the_task_runs_the_cluster_to_now_and_meters_what_ran(
    make_allocation: Callable[..., Allocation],
) -> None:
    today = timezone.localdate()
    make_allocation(start=today - dt.timedelta(days=10), end=today + dt.timedelta(days=10))
    now = timezone.now()
    service.clock(now - dt.timedelta(days=1))
    done = EmbeddedJob.objects.create(
        account="com-a", user="alice", chip="h800", gpus=2, work_s=600, time_limit_s=3600,
        submit_at=now - dt.timedelta(hours=2),
    )  # fmt: skip
    outcome = worker_tasks.run_one(
        worker_tasks.Task("cluster.advance", dt.timedelta(60), sources.advance_and_meter)
    )
    assert outcome.ok, outcome.detail
    assert "1 ended" in outcome.detail
    assert "1 usage records new or corrected" in outcome.detail
    done.refresh_from_db()
    assert done.state == "COMPLETED"
    assert UsageRecord.objects.get().job_id == str(done.pk)
    assert ClusterClock.objects.get().advanced_to >= now


def test_with_a_real_slurm_configured_the_task_leaves_everything_alone(settings: Any) -> None:
    settings.AISC_CLUSTER = "slurm"
    assert "nothing to advance" in sources.advance_and_meter()
    assert not ClusterClock.objects.exists()
