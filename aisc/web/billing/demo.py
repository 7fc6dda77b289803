"""Demo usage: three months of jobs for every allocation, and the first two months closed.

The usage comes from a seeded synthetic generator (the simulator's embedded cluster does not yet
publish job records): it writes `sacct --parsable2` text, which goes through the same parser,
ingest and close as real Slurm output. Idempotent: a second load finds the demo usage and stops.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
from django.conf import settings
from django.utils import timezone

from aisc.adapters.slurm.usage import FIELDS, parse_sacct
from aisc.core.metering.split import Month
from aisc.web.allocations.models import Allocation
from aisc.web.billing import actions, commitments
from aisc.web.billing.defaults import AllocationDirectory, CataloguePrices
from aisc.web.billing.ingest import source_key
from aisc.web.billing.models import BillingPeriod, PeriodState, UsageRecord
from aisc.web.demo import DemoReport

CLUSTER = "aisc-demo"
JOBS_PER_MONTH = 30


def months_before(today: dt.date, count: int) -> list[Month]:
    """The `count` whole months before this one, oldest first."""
    month = Month(today.year, today.month)
    result = []
    for _ in range(count):
        month = Month(month.year - (month.month == 1), (month.month - 2) % 12 + 1)
        result.append(month)
    return result[::-1]


def _chips(allocation: Allocation) -> list[str]:
    return sorted({line.chip for line in allocation.lines.all()}) or ["h800"]


def synthetic_sacct(allocations: list[Allocation], months: list[Month], seed: int = 2026) -> str:
    """Jobs of 1 to 8 GPUs for up to two days each, at random times in each month."""
    rng = np.random.default_rng(seed)
    lines = ["|".join(FIELDS)]
    job = 100_000
    for allocation in allocations:
        chips = _chips(allocation)
        for month in months:
            first = dt.datetime(month.year, month.month, 1)
            days = (dt.datetime(month.next().year, month.next().month, 1) - first).days
            for _ in range(JOBS_PER_MONTH):
                job += 1
                start = first + dt.timedelta(seconds=int(rng.integers(days * 86400)))
                stamp = start.strftime("%Y-%m-%dT%H:%M:%S")
                seconds = int(rng.integers(600, 48 * 3600))
                gpus, chip = int(rng.choice((1, 2, 4, 8))), str(rng.choice(chips))
                elapsed = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
                lines.append(
                    f"{job}|{CLUSTER}|{allocation.project_code}|demo-user|{chip}|COMPLETED|"
                    f"{stamp}|{stamp}|{elapsed}|gres/gpu:{chip}={gpus},gres/gpu={gpus}"
                )
    return "\n".join(lines) + "\n"


def load(report: DemoReport) -> None:
    actions.do_post_entries(commitments.fund_entries(), acting_user=None, verb="billing.fund.sync")
    if UsageRecord.objects.filter(cluster=CLUSTER).exists():
        return
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    months = months_before(timezone.now().astimezone(tz).date(), 3)
    allocations = list(Allocation.objects.order_by("project_code"))
    text = synthetic_sacct(allocations, months)
    parsed = parse_sacct(text, CLUSTER, tz)
    directory, prices = AllocationDirectory(), CataloguePrices()
    ingest = actions.do_ingest(
        parsed, source_key("demo", text), directory=directory, prices=prices, tz=tz
    )
    for month in months[:2]:
        if not BillingPeriod.objects.filter(month=str(month), state=PeriodState.CLOSED).exists():
            actions.do_close_period(month, directory=directory, prices=prices, tz=tz)
    report.notes.append(
        f"billing: {ingest.inserted} synthetic jobs for {len(allocations)} projects over "
        f"{', '.join(map(str, months))}; {months[0]} and {months[1]} closed "
        "(the finance login sees the statements)"
    )
