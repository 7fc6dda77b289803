"""The capacity guard against the database: commitments of allocations, GPUs from the
catalogue's nodes, and the operators' overbooking factor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.allocations import capacity
from aisc.core.allocations.budget import granted_by_chip
from aisc.core.allocations.capacity import Commitment, Month, MonthRow
from aisc.core.allocations.lifecycle import COMMITTED
from aisc.web.allocations.models import Allocation, CapacityPolicy

DEFAULT_OVERBOOKING = Decimal("1.00")


def overbooking(on: dt.date) -> Decimal:
    policy = CapacityPolicy.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return policy.overbooking if policy is not None else DEFAULT_OVERBOOKING


def capacity_gpus() -> dict[str, int]:
    from aisc.web.catalogue.capacity import capacity_by_chip

    return {c.chip: c.gpus for c in capacity_by_chip("bf16")}


def commitments(exclude: Allocation | None = None) -> list[Commitment]:
    allocations = Allocation.objects.filter(status__in=[s.value for s in COMMITTED])
    if exclude is not None and exclude.pk is not None:
        allocations = allocations.exclude(pk=exclude.pk)
    result = []
    for allocation in allocations.prefetch_related("lines"):
        for chip, hours in granted_by_chip(allocation.budget_lines()).items():
            if hours > 0:
                result.append(
                    Commitment(
                        allocation.project_code, chip, hours, allocation.start_date,
                        allocation.end_date,
                    )
                )  # fmt: skip
    return result


def check(new: list[Commitment], exclude: Allocation | None = None) -> None:
    """Refuse when any of the new commitments would take a month of its chip over the limit.

    Capacity comes only from the nodes on record: a chip without nodes (and a centre that has
    recorded none yet) has none, so nothing of it can be allocated."""
    gpus = capacity_gpus()
    existing = commitments(exclude)
    for c in new:
        capacity.check(c, existing, gpus, overbooking(c.start))
        existing.append(c)


def report(months: list[Month], on: dt.date) -> list[MonthRow]:
    return capacity.report(commitments(), capacity_gpus(), overbooking(on), months)
