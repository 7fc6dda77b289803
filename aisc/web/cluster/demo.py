"""Demo usage from the embedded cluster: a seeded workload per allocation, run by the cluster.

Every allocation with a Slurm account gets jobs from three whole months before this one until
two weeks ahead (jobs "in the future" are submitted as the clock reaches them, so the worker has
live work to show). Gangs are powers of two up to the award's GPUs (a tenant's: the largest node
group it may use), on the allocation's chips; each allocation offers about `FILL` of its
released GPU-hours spread over its dates (a `KEEN` one more). The cluster then runs to now with the
same policy and limits as always, and what ran is metered through the sacct path.
Idempotent: a second load finds the jobs and only advances and meters.
"""

from __future__ import annotations

import datetime as dt
import zlib
import zoneinfo

import numpy as np
from django.conf import settings
from django.utils import timezone

from aisc.core.allocations.budget import released_by_chip
from aisc.core.metering.split import Month
from aisc.core.scheduling.model import ClusterSpec
from aisc.web.allocations.models import Allocation
from aisc.web.cluster import layout, service
from aisc.web.cluster.models import EmbeddedJob
from aisc.web.demo import DemoReport

SEED = 2026
FILL = 0.6  # offered GPU-hours / released GPU-hours per day of the allocation
# A keen grantee offers more: by now past the warning threshold of its released hours, so the
# demo shows a budget's warning (allocations.credit).
KEEN = {"p2026a-002": 1.8}
AHEAD = dt.timedelta(days=14)
GANGS = (1, 2, 4, 8, 16, 32, 64, 128)


def months_before(today: dt.date, count: int) -> list[Month]:
    """The `count` whole months before this one, oldest first."""
    month = Month(today.year, today.month)
    result = []
    for _ in range(count):
        month = Month(month.year - (month.month == 1), (month.month - 2) % 12 + 1)
        result.append(month)
    return result[::-1]


def _local_midnight(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def widest(spec: ClusterSpec, allocation: Allocation, chip: str) -> int:
    """The widest gang the project may run on `chip`: a whole node group open to it, no wider
    than its award's GPUs."""
    code = allocation.project_code
    room = [g.gpus for g in spec.groups if g.chip == chip and g.reserved_for in (None, code)]
    award = allocation.award
    return min(max(room, default=0), award.gpus if award is not None else max(room, default=0))


def workload(
    allocation: Allocation, since: dt.datetime, until: dt.datetime, spec: ClusterSpec
) -> list[EmbeddedJob]:
    """Seeded jobs for one allocation between `since` and `until` (and within its dates)."""
    tz = since.tzinfo
    assert isinstance(tz, zoneinfo.ZoneInfo)
    start = max(since, _local_midnight(allocation.start_date, tz))
    end = min(until, _local_midnight(allocation.end_date + dt.timedelta(days=1), tz))
    members = [m.username for m in allocation.members.all()]
    released = released_by_chip(allocation.budget_lines())
    if end <= start or not members or not released:
        return []
    rng = np.random.default_rng([SEED, zlib.crc32(allocation.project_code.encode())])
    days = (allocation.end_date - allocation.start_date).days + 1
    jobs: list[EmbeddedJob] = []
    for chip, hours in sorted(released.items()):
        gangs = [g for g in GANGS if g <= widest(spec, allocation, chip)]
        if not gangs:
            continue  # the cluster has no node of this chip open to the project
        fill = KEEN.get(allocation.project_code, FILL)
        offered = float(hours) / days * fill * (end - start).total_seconds() / 86_400
        while offered > 0:
            gpus = int(rng.choice(gangs))
            work = int(min(48 * 3600, max(600, rng.lognormal(np.log(4 * 3600), 0.9))))
            # Most limits leave headroom; one job in twenty runs into its limit (TIMEOUT).
            factor = rng.uniform(1.1, 1.6) if rng.random() > 0.05 else rng.uniform(0.6, 0.9)
            limit = max(3600, int(np.ceil(work * factor / 3600)) * 3600)
            offset = rng.uniform(0, (end - start).total_seconds())
            jobs.append(
                EmbeddedJob(
                    account=allocation.project_code,
                    user=str(rng.choice(members)),
                    chip=chip,
                    gpus=gpus,
                    work_s=work,
                    time_limit_s=limit,
                    submit_at=(start + dt.timedelta(seconds=int(offset))).astimezone(dt.UTC),
                )
            )
            offered -= gpus * work / 3600
    return jobs


def load(report: DemoReport) -> None:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    first = months_before(now.astimezone(tz).date(), 3)[0]
    epoch = _local_midnight(dt.date(first.year, first.month, 1), tz)
    service.clock(epoch)
    if not EmbeddedJob.objects.exists():
        spec, accounts = layout.cluster_spec(), layout.accounts()
        jobs = [
            job
            for allocation in Allocation.objects.select_related("award").order_by("project_code")
            if allocation.project_code in accounts
            for job in workload(allocation, epoch, now + AHEAD, spec)
        ]
        jobs.sort(key=lambda j: (j.submit_at, j.account))
        EmbeddedJob.objects.bulk_create(jobs, batch_size=1000)
    moved = service.advance(now)
    report.notes.append(
        f"cluster: the embedded cluster ran the grantees' jobs from {epoch:%Y-%m-%d} to now "
        f"({moved.describe()}); the worker keeps it running (operators: /cluster/)"
    )
