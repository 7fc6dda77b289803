"""`aisc demo load`: three months of the grantees' jobs run by the embedded cluster, metered
through the sacct path, within each allocation's dates and budget; loading twice adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aisc.core.allocations.budget import released_by_chip
from aisc.web.allocations.models import Allocation
from aisc.web.billing.models import UsageRecord
from aisc.web.cluster.demo import months_before
from aisc.web.cluster.models import EmbeddedJob, JobState
from aisc.web.demo_load import load_all
from tests.web.cluster.conftest import HK

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> None:
    settings.AISC_FILES_DIR = tmp_path
    load_all()


def metered_once_each() -> bool:
    ran = EmbeddedJob.objects.exclude(start_at=None)
    records = UsageRecord.objects.all()
    return sorted(int(r) for r in records.values_list("job_id", flat=True)) == sorted(
        ran.values_list("pk", flat=True)
    )


@pytest.mark.usefixtures("demo")
def test_the_demo_usage_is_the_embedded_clusters_jobs_within_their_allocations_limits() -> None:
    ran = EmbeddedJob.objects.exclude(start_at=None)
    assert ran.count() > 100
    assert set(UsageRecord.objects.values_list("cluster", flat=True)) == {"embedded"}
    assert metered_once_each()
    first = months_before(timezone.localdate(), 3)[0]
    assert min(j.start_at for j in ran if j.start_at is not None) >= dt.datetime(
        first.year, first.month, 1, tzinfo=HK
    )
    for allocation in Allocation.objects.all():
        jobs = EmbeddedJob.objects.filter(account=allocation.project_code).exclude(start_at=None)
        start = dt.datetime.combine(allocation.start_date, dt.time(), tzinfo=HK)
        end = dt.datetime.combine(allocation.end_date + dt.timedelta(days=1), dt.time(), tzinfo=HK)
        assert all(j.start_at and start <= j.start_at < end for j in jobs), allocation.project_code
        if allocation.award is not None:
            assert all(j.gpus <= allocation.award.gpus for j in jobs), allocation.project_code
        released = released_by_chip(allocation.budget_lines())
        for chip, hours in released.items():
            # What ended counts its run, what runs its time limit: the budget the cluster held.
            held = sum(
                j.gpus
                * (
                    (j.end_at - j.start_at).total_seconds()
                    if j.end_at is not None and j.start_at is not None
                    else j.time_limit_s
                )
                for j in jobs.filter(chip=chip)
            )
            assert Decimal(held) / 3600 <= hours, allocation.project_code
    dedicated = EmbeddedJob.objects.filter(dedicated=True)
    assert set(dedicated.values_list("account", flat=True)) == {"com-bank-01"}
    future = EmbeddedJob.objects.filter(submit_at__gt=timezone.now())
    assert future.exists()
    assert set(future.values_list("state", flat=True)) == {JobState.FUTURE}


@pytest.mark.usefixtures("demo")
def test_loading_the_demo_again_adds_no_job_and_meters_no_job_twice() -> None:
    jobs = EmbeddedJob.objects.count()
    load_all()
    assert EmbeddedJob.objects.count() == jobs
    assert metered_once_each()
