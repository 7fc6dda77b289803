"""What the allocation pages show, computed once for views and API alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from aisc.core.allocations.budget import BudgetLine, granted_by_chip, released_by_chip
from aisc.core.allocations.capacity import Month, MonthRow, months_between
from aisc.web.accounts.models import User
from aisc.web.allocations import guard
from aisc.web.allocations.models import Allocation, AllocationLine
from aisc.web.allocations.usage import used_gpu_hours_of


@dataclass(frozen=True)
class ChipBudget:
    chip: str
    granted: Decimal  # tranches whether released or not, top-ups, exchanges
    released: Decimal
    used: Decimal  # metered so far
    remaining: Decimal


def chip_budgets(allocation: Allocation) -> list[ChipBudget]:
    return budgets_of([allocation])[allocation.project_code]


def budgets_of(allocations: Sequence[Allocation]) -> dict[str, list[ChipBudget]]:
    """chip_budgets of each allocation by project code, one usage read for them all (prefetch
    their lines: a list of allocations then costs the same few queries however long it is)."""
    lines = {a.project_code: a.budget_lines() for a in allocations}
    return budgets_of_lines(lines)


def budgets_of_lines(lines: dict[str, list[BudgetLine]]) -> dict[str, list[ChipBudget]]:
    """The same from each project's budget lines, however they were read."""
    used = used_gpu_hours_of(list(lines))
    return {code: _budgets(found, used.get(code, {})) for code, found in lines.items()}


def budget_lines_of(allocation_ids: dict[int, str]) -> dict[str, list[BudgetLine]]:
    """Each allocation's budget lines (by id → project code) as rows, in one query."""
    found: dict[str, list[BudgetLine]] = {code: [] for code in allocation_ids.values()}
    rows = AllocationLine.objects.filter(allocation_id__in=list(allocation_ids)).values_list(
        "allocation_id", "chip", "gpu_hours", "released", "source"
    )
    for allocation_id, chip, gpu_hours, released, source in rows:
        found[allocation_ids[allocation_id]].append(BudgetLine(chip, gpu_hours, released, source))
    return found


def _budgets(lines: list[BudgetLine], used: dict[str, Decimal]) -> list[ChipBudget]:
    granted, released = granted_by_chip(lines), released_by_chip(lines)
    rows = []
    for chip in sorted(granted.keys() | released.keys()):
        spent = used.get(chip, Decimal(0))
        left = released.get(chip, Decimal(0)) - spent
        rows.append(ChipBudget(chip, granted[chip], released.get(chip, Decimal(0)), spent, left))
    return rows


def visible_to(user: User) -> QuerySet[Allocation]:
    """Staff who run allocations see all; anyone else, their organisations' own."""
    allocations = Allocation.objects.select_related("organisation")
    if user.has_role("operator", "finance", "secretariat", "auditor", "admin"):
        return allocations
    orgs = user.memberships.values_list("organisation_id", flat=True)
    return allocations.filter(organisation_id__in=list(orgs))


def capacity_months(today: dt.date, ahead: int = 12) -> list[Month]:
    first = today.replace(day=1)
    return months_between(first, first + dt.timedelta(days=31 * (ahead - 1)))


def capacity_rows(today: dt.date) -> list[MonthRow]:
    return guard.report(capacity_months(today), today)
