"""The embedded cluster on the demo catalogue (h800-01/02 and br104-01/02, 8 GPUs each) with
commercial allocations made by the allocations app's own actions."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest

from aisc.web.cluster import service
from aisc.web.cluster.models import EmbeddedJob

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
EPOCH = dt.datetime(2026, 12, 1, tzinfo=HK)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def catalogue(backfill_cluster: Path) -> Path:
    """Every test here runs on the shared embedded cluster with backfill (tests/fixtures/
    allocations.py, which also makes the commercial allocations: `make_allocation`)."""
    return backfill_cluster


@pytest.fixture
def epoch() -> dt.datetime:
    service.clock(EPOCH)
    return EPOCH


@pytest.fixture
def job(epoch: dt.datetime) -> Callable[..., EmbeddedJob]:
    """A job submitted at `at` (default the epoch), stored as the demo stores its workload."""

    def make(
        account: str = "com-a",
        *,
        gpus: int = 8,
        hours: float = 1,
        limit_hours: float = 2,
        at: dt.datetime | None = None,
        chip: str = "h800",
        user: str = "alice",
    ) -> EmbeddedJob:
        return EmbeddedJob.objects.create(
            account=account,
            user=user,
            chip=chip,
            gpus=gpus,
            work_s=round(hours * 3600),
            time_limit_s=round(limit_hours * 3600),
            submit_at=at or epoch,
        )

    return make
