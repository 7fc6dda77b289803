"""Where each award's released GPU-hours stand in their credit lifecycle (allocations.credit):
the stage, use against the released budget, the day it runs out at the recent pace (the same
projection as the grantee's usage page, award_usage.budget_days), the hours that expired and the
subsidy written off for them (the `expired:` ledger accounts), and every step taken. The
secretariat's credit view lists them all; the grantee's usage page shows its own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from aisc.core.ledger import accounts
from aisc.web.allocations.models import Allocation, CreditEvent
from aisc.web.billing.award_usage import ChipDays, PerDay, budget_days, use_by_member_and_day
from aisc.web.billing.ledger import book
from aisc.web.billing.models import UsageRecord


@dataclass(frozen=True)
class CreditRow:
    allocation: Allocation
    released: Decimal
    used: Decimal
    percent: int | None  # of the released hours used; None when nothing is released
    runs_out: dt.date | None  # the first chip's projected (or past) exhaustion
    carried: Decimal  # GPU-hours carried over at tranche releases
    expired: Decimal  # GPU-hours, at the award's end and beyond the carry-over at releases
    written_off: Decimal  # HK$ of subsidy
    steps: list[CreditEvent]


def written_off() -> dict[str, Decimal]:
    """HK$ written off per project, from the ledger."""
    return {
        accounts.path_of(code)[2]: amount
        for code, amount in book.balances(f"{accounts.Kind.EXPIRED}:").items()
    }


def credit_row(
    allocation: Allocation, chips: list[ChipDays], written: dict[str, Decimal]
) -> CreditRow:
    """`chips`: the allocation's budget_days."""
    released = sum((c.budget.released for c in chips), Decimal(0))
    used = sum((c.budget.used for c in chips), Decimal(0)).quantize(Decimal("0.01"))
    dates = [c.exhausted_on for c in chips if c.exhausted_on is not None]
    steps = list(allocation.credit.order_by("at", "pk"))
    return CreditRow(
        allocation=allocation,
        released=released,
        used=used,
        percent=int(used * 100 / released) if released > 0 else None,
        runs_out=min(dates) if dates else None,
        carried=sum((s.carried for s in steps), Decimal(0)),
        expired=sum((s.expired for s in steps), Decimal(0)),
        written_off=written.get(allocation.project_code, Decimal(0)),
        steps=steps,
    )


def credit_rows(today: dt.date) -> list[CreditRow]:
    allocations = list(
        Allocation.objects.filter(award__isnull=False)
        .exclude(status="pending")
        .order_by("project_code")
    )
    records: dict[str, list[UsageRecord]] = defaultdict(list)
    codes = [a.project_code for a in allocations]
    fields = ("account", "user", "gpus", "elapsed_seconds", "start")
    for record in UsageRecord.objects.filter(account__in=codes).only(*fields):
        records[record.account].append(record)
    written = written_off()
    return [
        credit_row(a, budget_days(a, per_day(records[a.project_code]), today), written)
        for a in allocations
    ]


def per_day(records: list[UsageRecord]) -> PerDay:
    return use_by_member_and_day(records)[1]


def thresholds() -> tuple[int, int]:
    return settings.AISC_CREDIT_WARN_PERCENT, settings.AISC_CREDIT_STOP_PERCENT
