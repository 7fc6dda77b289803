"""The embedded cluster on the demo catalogue (h800-01/02 and br104-01/02, 8 GPUs each) with
commercial allocations made by the allocations app's own actions."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aisc.web.accounts.models import Organisation
from aisc.web.allocations.actions import NewAllocation, do_advance_one, do_create_allocation
from aisc.web.allocations.models import Allocation
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.cluster import service
from aisc.web.cluster.models import EmbeddedJob
from aisc.web.demo import DemoReport

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
START = dt.date(2026, 12, 1)
EPOCH = dt.datetime(2026, 12, 1, tzinfo=HK)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def catalogue(settings: Any, tmp_path: Path, db: Any) -> None:
    settings.AISC_EMBEDDED_SLURM_STATE = str(tmp_path / "embedded-slurm.json")
    settings.AISC_CLUSTER = "embedded"
    settings.AISC_EMBEDDED_POLICY = "backfill"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    catalogue_demo.load(DemoReport())


@pytest.fixture
def make_allocation(org: Organisation) -> Callable[..., Allocation]:
    """An active commercial allocation (active from its start date) of `hours` on `chip`."""

    def make(
        code: str = "com-a",
        *,
        chip: str = "h800",
        hours: int = 1000,
        start: dt.date = START,
        end: dt.date = dt.date(2027, 2, 28),
        members: tuple[str, ...] = ("alice",),
        dedicated: tuple[str, ...] = (),
    ) -> Allocation:
        allocation = do_create_allocation(
            NewAllocation(
                project_code=code,
                organisation=org,
                parent_account="commercial",
                subsidised=False,
                chip=chip,
                start_date=start,
                end_date=end,
                tranches=[(1, Decimal(hours), True)],
                members=list(members),
                dedicated_nodes=list(dedicated),
            ),
            acting_user=None,
        )
        do_advance_one(allocation, max(start, dt.date(2026, 12, 1)), acting_user=None)
        allocation.refresh_from_db()
        return allocation

    return make


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
