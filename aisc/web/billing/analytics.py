"""Centre analytics from the metered usage and the jobs: what the centre delivered, to whom, how
full its partitions were, how long jobs waited by gang size, and how long decisions took.

- GPU-hours by month and one dimension (organisation, call, chip, partition): billing's usage
  charges (the figures statements are made of); a project's organisation and call come from its
  allocation (commercial tenants: call "commercial");
- utilisation by partition: those GPU-hours over the GPUs of the partition's nodes in service
  today x the hours of the month (node counts of the past are not kept);
- job-size mix and waits by gang size: the metered job records (start - submit), by submit month;
- top users: GPU-hours of their jobs (GPUs x elapsed);
- approval time per call: days from an application's submission to its award.
"""

from __future__ import annotations

import calendar
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Sum

from aisc.core import csvcells
from aisc.core.errors import RuleViolation
from aisc.web.allocations.models import Allocation
from aisc.web.billing.ingest.stored import decode_gpus
from aisc.web.billing.models import UsageCharge, UsageRecord
from aisc.web.catalogue.models import IN_SERVICE, Node
from aisc.web.grants.models import Award

DIMENSIONS = ("organisation", "call", "chip", "partition")
GANGS = ((1, 1), (2, 4), (5, 8), (9, 16), (17, 64), (65, 1_000_000))
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
TOP_USERS = 10


@dataclass(frozen=True)
class Filters:
    start: str = ""  # YYYY-MM, inclusive; "" = from the first month
    end: str = ""  # YYYY-MM, inclusive; "" = to the last
    chip: str = ""
    by: str = "organisation"

    def __post_init__(self) -> None:
        object.__setattr__(self, "chip", self.chip.lower())  # H800 and h800 are one chip
        for name in ("start", "end"):
            value = getattr(self, name)
            if value and not MONTH.match(value):
                raise RuleViolation(f"{name}: {value!r} is not a month YYYY-MM", field=name)
        if self.start and self.end and self.end < self.start:
            raise RuleViolation("end: must not be before start", field="end")
        if self.by not in DIMENSIONS:
            raise RuleViolation(f"by: must be one of {', '.join(DIMENSIONS)}", field="by")

    def months(self, month: str) -> bool:
        return (not self.start or month >= self.start) and (not self.end or month <= self.end)


def _projects() -> dict[str, tuple[str, str]]:
    """project code -> (organisation name, call code)."""
    return {
        a.project_code: (a.organisation.name_en, a.parent_account)
        for a in Allocation.objects.select_related("organisation")
    }


def gpu_hours(filters: Filters) -> list[dict[str, Any]]:
    charges = UsageCharge.objects.all()
    if filters.chip:
        charges = charges.filter(chip=filters.chip)
    rows = charges.values("month", "project_code", "chip", "partition").annotate(
        gpu_seconds=Sum("gpu_seconds")
    )
    projects = _projects()
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        if not filters.months(row["month"]):
            continue
        organisation, call = projects.get(row["project_code"], ("", ""))
        key = {
            "organisation": organisation or row["project_code"],
            "call": call or "-",
            "chip": row["chip"],
            "partition": row["partition"],
        }[filters.by]
        totals[(row["month"], key)] += row["gpu_seconds"] / 3600.0
    return [
        {"month": month, filters.by: key, "gpu_hours": round(hours, 2)}
        for (month, key), hours in sorted(totals.items())
    ]


def utilisation_by_partition(filters: Filters) -> list[dict[str, Any]]:
    gpus: dict[str, int] = defaultdict(int)
    nodes = Node.objects.filter(state__in=IN_SERVICE).select_related("node_type", "partition")
    for node in nodes:
        if not filters.chip or node.node_type.chip_id == filters.chip:
            gpus[node.partition.name] += node.node_type.gpus
    used = gpu_hours(Filters(filters.start, filters.end, filters.chip, "partition"))
    result = []
    for row in used:
        year, month = (int(x) for x in row["month"].split("-"))
        capacity = gpus.get(row["partition"], 0) * calendar.monthrange(year, month)[1] * 24
        share = row["gpu_hours"] / capacity if capacity else None
        result.append(
            {**row, "capacity_gpu_hours": capacity, "utilization": share and round(share, 4)}
        )
    return result


def _jobs(filters: Filters) -> list[tuple[str, str, int, float, float]]:
    """(user, project, GPUs, wait h, GPU-hours) of every started job in the filters."""
    jobs = []
    records = UsageRecord.objects.exclude(start=None).values_list(
        "user", "account", "gpus", "submit", "start", "elapsed_seconds"
    )
    for user, account, text, submit, start, elapsed in records:
        if start is None or not filters.months(f"{submit.year:04d}-{submit.month:02d}"):
            continue  # (no start: excluded in the query; the check is for the type)
        for chip, count in decode_gpus(text):
            if not filters.chip or chip == filters.chip:
                wait = (start - submit).total_seconds() / 3600.0
                jobs.append((user, account, count, wait, count * elapsed / 3600.0))
    return jobs


def waits_by_gang(filters: Filters) -> list[dict[str, Any]]:
    jobs = _jobs(filters)
    result = []
    for low, high in GANGS:
        mine = [j for j in jobs if low <= j[2] <= high]
        waits = np.array([j[3] for j in mine])
        p50, p95 = np.percentile(waits, [50, 95]) if len(mine) else (None, None)
        result.append(
            {
                "gang": f"{low}" if low == high else (f"{low}-{high}" if high < 1e6 else f"{low}+"),
                "jobs": len(mine),
                "share_of_jobs": round(len(mine) / len(jobs), 4) if jobs else 0.0,
                "gpu_hours": round(sum(j[4] for j in mine), 2),
                "wait_p50_h": None if p50 is None else round(float(p50), 2),
                "wait_p95_h": None if p95 is None else round(float(p95), 2),
            }
        )
    return result


def top_users(filters: Filters) -> list[dict[str, Any]]:
    used: dict[tuple[str, str], float] = defaultdict(float)
    for user, project, _, _, hours in _jobs(filters):
        used[(user, project)] += hours
    ranked = sorted(used.items(), key=lambda item: (-item[1], item[0]))[:TOP_USERS]
    return [{"user": u, "project": p, "gpu_hours": round(h, 2)} for (u, p), h in ranked]


def approval_days() -> list[dict[str, Any]]:
    days: dict[str, list[float]] = defaultdict(list)
    awards = Award.objects.select_related("application__call").exclude(
        application__submitted_at=None
    )
    for award in awards:
        application = award.application
        submitted = application.submitted_at
        assert submitted is not None  # excluded in the query
        waited = (award.created_at - submitted).total_seconds() / 86_400
        days[application.call.code].append(waited)
    return [
        {
            "call": call,
            "awards": len(values),
            "median_days": round(float(np.median(values)), 1),
            "max_days": round(max(values), 1),
        }
        for call, values in sorted(days.items())
    ]


def report(filters: Filters) -> dict[str, Any]:
    return {
        "filters": {"start": filters.start, "end": filters.end, "chip": filters.chip},
        "by": filters.by,
        "gpu_hours": gpu_hours(filters),
        "utilisation_by_partition": utilisation_by_partition(filters),
        "waits_by_gang": waits_by_gang(filters),
        "top_users": top_users(filters),
        "approval_days": approval_days(),
    }


def gpu_hours_csv(filters: Filters) -> str:
    out = io.StringIO()
    columns = ["month", filters.by, "gpu_hours"]
    writer = csvcells.writer(out)  # an organisation's name may begin with "="
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in gpu_hours(filters))
    return out.getvalue()
