"""Usage read-outs for other apps: what allocations' ports (aisc.web.allocations.usage) ask."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from aisc.web.allocations.usage import MeteredJob
from aisc.web.billing.ingest.stored import decode_gpus
from aisc.web.billing.models import UsageRecord, UsageTotal
from aisc.web.billing.money import gpu_hours
from aisc.web.compiled import Compiled

# Read on every call of the usage API (aisc.web.compiled: the SQL compiled once).
usage_of_project = Compiled(
    lambda code: (
        UsageTotal.objects.filter(project_code=code).order_by("chip").values("chip", "gpu_seconds")
    ),
    str,
)


def used_gpu_hours(project_code: str) -> dict[str, Decimal]:
    """GPU-hours metered so far per chip (billed or not), to four places."""
    return {row["chip"]: gpu_hours(row["gpu_seconds"]) for row in usage_of_project(project_code)}


def used_gpu_hours_of(project_codes: Sequence[str]) -> dict[str, dict[str, Decimal]]:
    """used_gpu_hours of several projects in one query: project -> chip -> GPU-hours; a project
    with nothing metered is absent."""
    rows = UsageTotal.objects.filter(project_code__in=project_codes).order_by(
        "project_code", "chip"
    )
    used: dict[str, dict[str, Decimal]] = {}
    for project, chip, seconds in rows.values_list("project_code", "chip", "gpu_seconds"):
        used.setdefault(project, {})[chip] = gpu_hours(seconds)
    return used


def gpu_seconds_used() -> dict[tuple[str, str], int]:
    """GPU-seconds metered so far per (project, chip), every project."""
    rows = UsageTotal.objects.values_list("project_code", "chip", "gpu_seconds")
    return {(project, chip): seconds for project, chip, seconds in rows}


def metered_jobs() -> Iterator[MeteredJob]:
    """Every job record with a run time, by start (then id)."""
    records = UsageRecord.objects.filter(elapsed_seconds__gt=0).order_by("start", "pk")
    fields = ("account", "gpus", "elapsed_seconds", "start")
    for account, text, elapsed, began in records.values_list(*fields):
        yield MeteredJob(account, decode_gpus(text), elapsed, began)
