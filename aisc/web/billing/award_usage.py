"""What an award's project used, for its grantee: its jobs, use by member, GPU-hours per day by
chip against the released budget with a projected exhaustion date, and its jobs' waits.

Jobs are billing's usage records of the project's Slurm account (the centre's Slurm or the
embedded cluster, metered the same way); GPU-hours per day count each job on the local day it
began (its run is not split across days); the budget is the allocation's released GPU-hours per
chip. The exhaustion date extrapolates the mean daily use of the last 30 days
(aisc.core.allocations.credit, the one projection the secretariat's view shows too).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aisc.core.allocations import credit
from aisc.web.allocations.models import Allocation
from aisc.web.allocations.pages import ChipBudget, chip_budgets
from aisc.web.billing import job_states
from aisc.web.billing.ingest.stored import decode_gpus
from aisc.web.billing.models import UsageRecord
from aisc.web.grants.models import Award

# Wait buckets (hours, upper bounds) for the chart of the project's waits.
WAIT_BUCKETS = ((1.0, _("< 1 h")), (6.0, _("1-6 h")), (24.0, _("6-24 h")), (72.0, _("1-3 d")))
LONGER = _("> 3 d")


@dataclass(frozen=True)
class Job:
    job_id: str
    user: str
    state: str
    chips: str
    gpus: int
    submit: dt.datetime
    wait_h: float | None  # None: not started
    run_h: float

    @property
    def state_label(self) -> str:
        """The state in the reader's language; `state` stays as sacct wrote it."""
        return job_states.label(self.state)


@dataclass(frozen=True)
class ChipDays:
    """One chip's GPU-hours per local day, cumulative, against its released budget."""

    chip: str
    budget: ChipBudget
    days: list[dict[str, Any]]  # day, gpu_hours, cumulative
    rate_per_day: float  # mean of the last credit.RATE_DAYS days
    exhausted_on: dt.date | None  # projected (or past) day the released hours run out


@dataclass(frozen=True)
class AwardUsage:
    award: Award
    by_member: list[dict[str, Any]]
    chips: list[ChipDays]
    waits: list[dict[str, Any]]  # bucket, jobs
    wait_p50_h: float | None
    wait_p95_h: float | None


PerDay = dict[tuple[str, dt.date], float]


def use_by_member_and_day(
    records: Iterable[UsageRecord],
) -> tuple[dict[str, float], PerDay]:
    """GPU-hours per member, and per (chip, local day the job began)."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    members: dict[str, float] = defaultdict(float)
    per_day: PerDay = defaultdict(float)
    for record in records:
        for chip, count in decode_gpus(record.gpus):
            used = count * record.elapsed_seconds / 3600.0
            members[record.user] += used
            if record.start is not None and used > 0:
                per_day[(chip, record.start.astimezone(tz).date())] += used
    return members, per_day


def budget_days(allocation: Allocation | None, per_day: PerDay, today: dt.date) -> list[ChipDays]:
    """Each chip's budget with its days and projected exhaustion (the secretariat's credit view
    shows the same)."""
    budgets = chip_budgets(allocation) if allocation is not None else []
    return [_chip_days(b, per_day, today) for b in budgets]


def award_usage(award: Award, today: dt.date) -> AwardUsage:
    records = UsageRecord.objects.filter(account=award.project_code).order_by("-submit", "-pk")
    jobs = [job_of(r) for r in records]
    members, per_day = use_by_member_and_day(records)
    allocation = Allocation.objects.filter(project_code=award.project_code).first()
    waits = np.array([j.wait_h for j in jobs if j.wait_h is not None])
    p50, p95 = np.percentile(waits, [50, 95]) if len(waits) else (None, None)
    return AwardUsage(
        award=award,
        by_member=[
            {"user": user, "gpu_hours": round(hours, 2)}
            for user, hours in sorted(members.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        chips=budget_days(allocation, per_day, today),
        waits=_wait_buckets(waits),
        wait_p50_h=None if p50 is None else round(float(p50), 2),
        wait_p95_h=None if p95 is None else round(float(p95), 2),
    )


def job_of(record: UsageRecord) -> Job:
    gpus = decode_gpus(record.gpus)
    wait = (record.start - record.submit).total_seconds() / 3600.0 if record.start else None
    return Job(
        job_id=record.job_id,
        user=record.user,
        state=record.state,
        chips=", ".join(chip for chip, _ in gpus),
        gpus=sum(count for _, count in gpus),
        submit=record.submit,
        wait_h=None if wait is None else round(wait, 2),
        run_h=round(record.elapsed_seconds / 3600.0, 2),
    )


def _chip_days(
    budget: ChipBudget, per_day: dict[tuple[str, dt.date], float], today: dt.date
) -> ChipDays:
    mine = sorted((day, hours) for (chip, day), hours in per_day.items() if chip == budget.chip)
    days, total = [], 0.0
    for day, hours in mine:
        total += hours
        days.append({"day": day, "gpu_hours": round(hours, 2), "cumulative": round(total, 2)})
    rate = credit.burn_rate(mine, today)
    exhausted = credit.exhaustion_date(mine, float(budget.released), rate, today)
    return ChipDays(budget.chip, budget, days, round(rate, 2), exhausted)


def _wait_buckets(waits: np.ndarray) -> list[dict[str, Any]]:
    edges = [0.0, *(high for high, _ in WAIT_BUCKETS)]
    rows = []
    for low, (high, label) in zip(edges, WAIT_BUCKETS, strict=False):
        rows.append({"bucket": label, "jobs": int(((waits >= low) & (waits < high)).sum())})
    rows.append({"bucket": LONGER, "jobs": int((waits >= edges[-1]).sum())})
    return rows
