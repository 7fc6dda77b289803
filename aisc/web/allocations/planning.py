"""The centre as configured, as a capacity scenario (aisc.core.capacity): `aisc capacity plan`
without a file plans this.

- inventory: the nodes in service, by chip, GPUs per node and partition; nodes dedicated to an
  active allocation as their own rows, reserved for its project;
- history: every metered job (billing's usage records, the jobs statements are made of, asked
  through the port `usage.metered_jobs`) that ran in the horizon's past months, replayed at its
  own start time for its metered run time up to this month, in the centre's time zone (billing's
  months are local months);
- pipeline: every active or suspended allocation's GPU-hours left per chip (its lines less its
  metered use, the port `usage.gpu_seconds_used`) from this month to its end, in gangs of the
  award's GPUs, with run times shaped as its own metered jobs when it has some; applications in
  review by the GPUs and months they ask for, weighted by the share of decided applications
  that were approved (0.5 when none has been decided); a gang never wider than the chip's GPUs
  in service;
- policy: the overbooking factor in force today.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from aisc.core.allocations.lifecycle import Status
from aisc.core.capacity.fields import add_months, month_label
from aisc.core.grants.workflow import ApplicationStatus
from aisc.web.allocations import usage
from aisc.web.allocations.models import Allocation, CapacityPolicy
from aisc.web.catalogue.models import IN_SERVICE, Node
from aisc.web.grants.models import Application

HOURS_PER_MONTH = 365.25 / 12 * 24
DECIDED = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.APPROVED_IN_PART,
    ApplicationStatus.REJECTED,
)
APPROVED = (ApplicationStatus.APPROVED, ApplicationStatus.APPROVED_IN_PART)
UNDER_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


def centre_scenario(today: dt.date, months: int, history_months: int = 3) -> dict[str, Any]:
    this_month = dt.datetime(today.year, today.month, 1)
    start = add_months(this_month, -history_months)
    allocations = list(
        Allocation.objects.filter(status__in=[Status.ACTIVE, Status.SUSPENDED])
        .select_related("award")
        .prefetch_related("lines")
    )
    inventory = _inventory(start, allocations)
    chips = gpus_in_service({"inventory": inventory})  # per chip: the widest gang
    policy = CapacityPolicy.objects.filter(valid_from__lte=today).first()
    metered, replay = _metered_jobs(start, this_month, chips)
    return {
        "name": "centre",
        "start": month_label(start),
        "months": history_months + months,
        "inventory": inventory,
        "replay": replay,
        "awards": _awards(this_month, start, history_months + months, allocations, chips, metered),
        "applications": _applications(
            this_month, add_months(start, history_months + months), chips
        ),
        "pipeline": {"award_probability": _award_probability()},
        "policy": {"overbooking": float(policy.overbooking) if policy else 1.0},
    }


def _inventory(start: dt.datetime, allocations: list[Allocation]) -> list[dict[str, Any]]:
    reserved = {name: a.project_code for a in allocations for name in a.dedicated_nodes}
    rows: dict[tuple[str, int, str, str | None], int] = defaultdict(int)
    nodes = Node.objects.filter(state__in=IN_SERVICE).select_related("node_type", "partition")
    for node in nodes:
        project = reserved.get(node.name)
        key = (node.node_type.chip_id, node.node_type.gpus, node.partition.name, project)
        rows[key] += 1
    result = []
    for (chip, gpus, partition, project), count in sorted(rows.items(), key=str):
        row: dict[str, Any] = {
            "chip": chip,
            "nodes": count,
            "gpus_per_node": gpus,
            "from": month_label(start),
            "partition": partition,
        }
        if project:
            row["reserved_for"] = project
        result.append(row)
    return result


@dataclass(frozen=True)
class _Jobs:
    """A project's metered jobs on one chip: median gang, median and longest run time."""

    gpus: int
    median_h: float
    max_h: float


def _metered_jobs(
    start: dt.datetime, this_month: dt.datetime, chips: dict[str, int]
) -> tuple[dict[tuple[str, str], _Jobs], list[dict[str, Any]]]:
    """Every project's metered jobs per chip (their shape), and those that ran in
    [start, this_month) on a chip in service as replay rows, cut at this month's start."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    seen: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    replay: list[dict[str, Any]] = []
    for account, gpus, elapsed, began in usage.metered_jobs():
        ran = _ran(began, elapsed, tz, start, this_month)
        for chip, count in gpus:
            seen[(account, chip)].append((count, elapsed / 3600.0))
            if ran is not None and chip in chips and count > 0:
                replay.append({"project": account, "chip": chip, "gpus": count, **ran})
    result = {}
    for key, jobs in seen.items():
        gangs, hours = sorted(g for g, _ in jobs), sorted(h for _, h in jobs)
        result[key] = _Jobs(gangs[len(gangs) // 2], hours[len(hours) // 2], hours[-1])
    return result, replay


def _ran(
    began: dt.datetime | None,
    elapsed: int,
    tz: zoneinfo.ZoneInfo,
    start: dt.datetime,
    this_month: dt.datetime,
) -> dict[str, Any] | None:
    """A record's run on the scenario's clock (the centre's local time, naive), up to this
    month's start; None when none of it lies in [start, this_month)."""
    if began is None:
        return None
    local = began.astimezone(tz).replace(tzinfo=None)
    end = min(local + dt.timedelta(seconds=elapsed), this_month)
    if end <= max(local, start):
        return None
    return {"start": local, "hours": (end - local).total_seconds() / 3600.0}


def _awards(
    this_month: dt.datetime,
    start: dt.datetime,
    months: int,
    allocations: list[Allocation],
    chips: dict[str, int],
    metered: dict[tuple[str, str], _Jobs],
) -> list[dict[str, Any]]:
    used = {key: seconds / 3600.0 for key, seconds in usage.gpu_seconds_used().items()}
    horizon_end = add_months(start, months)
    result = []
    for allocation in allocations:
        end = dt.datetime.combine(allocation.end_date, dt.time()) + dt.timedelta(days=1)
        begin = max(dt.datetime.combine(allocation.start_date, dt.time()), this_month)
        if end <= begin or begin >= horizon_end:
            continue
        awarded: dict[str, Decimal] = defaultdict(Decimal)
        for line in allocation.lines.all():
            awarded[line.chip] += line.gpu_hours
        gang = allocation.award.gpus if allocation.award else 8
        for chip, hours in sorted(awarded.items()):
            left = float(hours) - used.get((allocation.project_code, chip), 0.0)
            if chip not in chips or left <= 0:
                continue
            row: dict[str, Any] = {
                "project": allocation.project_code,
                "chip": chip,
                "gpu_hours": left,
                "nodes": max(1, gang // 8),
                "gpus": min(gang, chips[chip]),
                "start": begin.date(),
                "end": end.date(),
            }
            jobs = metered.get((allocation.project_code, chip))
            if jobs is not None:  # its run times from its own history
                row["shape"] = {"median_h": jobs.median_h, "max_h": jobs.max_h}
            result.append(row)
    return result


def _applications(
    this_month: dt.datetime, horizon_end: dt.datetime, chips: dict[str, int]
) -> list[dict[str, Any]]:
    result = []
    for app in Application.objects.filter(status__in=UNDER_REVIEW).order_by("pk"):
        row = application_row(app, this_month, chips)
        if row is not None and row["start"] < horizon_end.date():
            result.append(row)
    return result


def application_row(
    app: Application, this_month: dt.datetime, chips: dict[str, int]
) -> dict[str, Any] | None:
    """An application as a pipeline row (its GPUs for its months from its preferred start, or
    this month if later); None when it names no chip in service, no GPUs or no months."""
    if app.chip not in chips or not app.gpus or not app.months:
        return None
    preferred = app.preferred_start
    begin = max(dt.datetime.combine(preferred, dt.time()) if preferred else this_month, this_month)
    return {
        "project": f"application-{app.pk}",
        "chip": app.chip,
        "gpu_hours": app.gpus * app.months * HOURS_PER_MONTH,
        "nodes": max(1, app.gpus // 8),
        "gpus": min(app.gpus, chips[app.chip]),
        "start": begin.date(),
        "end": add_months(begin, app.months).date(),
    }


def gpus_in_service(data: dict[str, Any]) -> dict[str, int]:
    chips: dict[str, int] = defaultdict(int)
    for row in data["inventory"]:
        chips[row["chip"]] += row["nodes"] * row["gpus_per_node"]
    return chips


def _award_probability() -> float:
    decided = Application.objects.filter(status__in=DECIDED).count()
    if not decided:
        return 0.5
    return Application.objects.filter(status__in=APPROVED).count() / decided
