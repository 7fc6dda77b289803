"""The capacity guard: in any month, for any chip, the GPU-hours committed to allocations may
not exceed the GPU-hours the chip's GPUs provide that month times the operators' overbooking
factor. An allocation's hours are spread evenly over its days."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from aisc.core.errors import RuleViolation

Month = tuple[int, int]  # (year, month)
HOURS = Decimal("0.01")


@dataclass(frozen=True)
class Commitment:
    label: str  # project code, shown in errors
    chip: str
    gpu_hours: Decimal
    start: dt.date  # first day
    end: dt.date  # last day, inclusive


@dataclass(frozen=True)
class MonthRow:
    month: Month
    chip: str
    capacity_hours: Decimal  # GPUs x hours in the month
    limit_hours: Decimal  # capacity x overbooking factor
    committed_hours: Decimal

    @property
    def utilisation(self) -> Decimal:
        """Committed as a share of the limit (1 = full)."""
        if not self.limit_hours:
            return Decimal(0) if not self.committed_hours else Decimal("Infinity")
        return (self.committed_hours / self.limit_hours).quantize(Decimal("0.001"))

    @property
    def over(self) -> bool:
        return self.committed_hours > self.limit_hours


def months_between(start: dt.date, end: dt.date) -> list[Month]:
    months, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _days_in(month: Month, start: dt.date, end: dt.date) -> int:
    first = dt.date(month[0], month[1], 1)
    last = dt.date(month[0], month[1], calendar.monthrange(*month)[1])
    return (min(end, last) - max(start, first)).days + 1


def spread(c: Commitment) -> dict[Month, Decimal]:
    """The commitment's hours per month, in proportion to its days in each month.

    The running total is rounded, not each month, so the months add up to the commitment
    exactly (rounding each month on its own could lose or add a hundredth per month).
    """
    days = (c.end - c.start).days + 1
    if days <= 0:
        raise RuleViolation(
            "%(c_label)s: the period ends before it starts",
            field="end_date",
            params={"c_label": c.label},
        )
    result: dict[Month, Decimal] = {}
    days_so_far, hours_so_far = 0, Decimal(0)
    for m in months_between(c.start, c.end):
        days_so_far += _days_in(m, c.start, c.end)
        through = (c.gpu_hours * days_so_far / days).quantize(HOURS, ROUND_HALF_UP)
        result[m] = through - hours_so_far
        hours_so_far = through
    return result


def report(
    commitments: Iterable[Commitment],
    capacity_gpus: Mapping[str, int],
    overbooking: Decimal,
    months: Iterable[Month],
) -> list[MonthRow]:
    """One row per month and chip (chips with capacity or commitments), month by month."""
    committed: dict[tuple[Month, str], Decimal] = {}
    for c in commitments:
        for month, hours in spread(c).items():
            committed[(month, c.chip)] = committed.get((month, c.chip), Decimal(0)) + hours
    chips = sorted(set(capacity_gpus) | {chip for _, chip in committed})
    rows = []
    for month in months:
        hours_in_month = calendar.monthrange(*month)[1] * 24
        for chip in chips:
            capacity = Decimal(capacity_gpus.get(chip, 0) * hours_in_month)
            rows.append(
                MonthRow(
                    month,
                    chip,
                    capacity,
                    (capacity * overbooking).quantize(HOURS, ROUND_HALF_UP),
                    committed.get((month, chip), Decimal(0)),
                )
            )
    return rows


def check(
    new: Commitment,
    existing: Iterable[Commitment],
    capacity_gpus: Mapping[str, int],
    overbooking: Decimal,
) -> None:
    """Refuse `new` when, with what is already committed, some month of its chip goes over."""
    if overbooking <= 0:
        raise RuleViolation("the overbooking factor must be above zero", field="overbooking")
    if new.gpu_hours > 0 and capacity_gpus.get(new.chip, 0) <= 0:
        # Said apart from the monthly limit: "above the limit of 0.00" would hide the cause.
        raise RuleViolation(
            (
                "%(new_label)s: the catalogue has no %(chip)s nodes, so no "
                "%(chip)s GPU-hours can be allocated (committed hours may not "
                "exceed the chip's GPUs x hours x overbooking); record %(chip)s "
                "nodes in the catalogue first"
            ),
            field="chip",
            params={"new_label": new.label, "chip": new.chip},
        )
    rows = report([*existing, new], capacity_gpus, overbooking, months_between(new.start, new.end))
    for row in rows:
        if row.chip == new.chip and row.over:
            raise RuleViolation(
                (
                    "%(new_label)s: %(committed_hours)s %(chip)s GPU-hours would be "
                    "committed in %(month)s-%(month2)s, above the limit of "
                    "%(limit_hours)s (%(capacity_gpus)s GPUs x overbooking "
                    "%(overbooking)s)"
                ),
                field="gpu_hours",
                params={
                    "new_label": new.label,
                    "committed_hours": row.committed_hours,
                    "chip": row.chip,
                    "month": row.month[0],
                    "month2": f"{row.month[1]:02d}",
                    "limit_hours": row.limit_hours,
                    "capacity_gpus": capacity_gpus.get(row.chip, 0),
                    "overbooking": overbooking,
                },
            )
