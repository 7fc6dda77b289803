"""GPU-hours per chip as budget lines: tranches (spendable once released), top-ups, chip
exchanges. What Slurm enforces is the released sum per chip."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.catalogue.chips import chip as catalogue_chip
from aisc.core.catalogue.exchange import ThroughputRate, convert
from aisc.core.errors import InsufficientBalance, NotFound, RuleViolation


@dataclass(frozen=True)
class BudgetLine:
    chip: str
    gpu_hours: Decimal  # negative for the chip an exchange takes hours from
    released: bool
    source: str  # "tranche 1", "top-up 3", "exchange 4": what the grantee sees


def released_by_chip(lines: Iterable[BudgetLine]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        if line.released:
            totals[line.chip] = totals.get(line.chip, Decimal(0)) + line.gpu_hours
    return totals


def granted_by_chip(lines: Iterable[BudgetLine]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.chip] = totals.get(line.chip, Decimal(0)) + line.gpu_hours
    return totals


def remaining_by_chip(
    lines: Iterable[BudgetLine], used: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    released = released_by_chip(lines)
    return {
        c: released.get(c, Decimal(0)) - used.get(c, Decimal(0)) for c in released.keys() | used
    }


def check_chip(code: str, field: str = "chip") -> str:
    """The chip must be in the catalogue (NotFound names it, under the form's `field`)."""
    try:
        return catalogue_chip(code).code
    except NotFound as exc:
        exc.field = field
        raise


def check_positive(gpu_hours: Decimal, field: str = "gpu_hours") -> Decimal:
    if gpu_hours <= 0:
        raise RuleViolation(
            "GPU-hours must be above zero (got %(gpu_hours)s)",
            field=field,
            params={"gpu_hours": gpu_hours},
        )
    return gpu_hours


def top_up(code: str, gpu_hours: Decimal, source: str) -> BudgetLine:
    return BudgetLine(check_chip(code), check_positive(gpu_hours), True, source)


def exchange(
    lines: Iterable[BudgetLine],
    used: Mapping[str, Decimal],
    *,
    from_chip: str,
    to_chip: str,
    gpu_hours: Decimal,
    on: dt.date,
    rates: Iterable[ThroughputRate],
    source: str,
) -> tuple[BudgetLine, BudgetLine]:
    """Move released, unspent hours to another chip at the exchange rate in force on `on`."""
    check_chip(from_chip)
    check_chip(to_chip, "to_chip")
    check_positive(gpu_hours)
    if from_chip == to_chip:
        raise RuleViolation("an exchange needs two different chips", field="to_chip")
    left = remaining_by_chip(list(lines), used).get(from_chip, Decimal(0))
    if gpu_hours > left:
        raise InsufficientBalance(
            (
                "only %(left)s released, unspent %(from_chip)s GPU-hours can be "
                "exchanged (asked for %(gpu_hours)s)"
            ),
            field="gpu_hours",
            params={"left": left, "from_chip": from_chip, "gpu_hours": gpu_hours},
        )
    gained = convert(gpu_hours, from_chip, to_chip, on, rates)
    return (
        BudgetLine(from_chip, -gpu_hours, True, source),
        BudgetLine(to_chip, gained, True, source),
    )


def tranche_lines(code: str, tranches: Iterable[tuple[int, Decimal, bool]]) -> list[BudgetLine]:
    """(seq, gpu_hours, released) of an award's tranches, as budget lines on its chip."""
    check_chip(code)
    return [
        BudgetLine(code, hours, released, f"tranche {seq}") for seq, hours, released in tranches
    ]


def check_window(
    start: dt.date, end: dt.date, award_start: dt.date | None, award_end: dt.date | None
) -> None:
    """An allocation runs forwards, and inside its award's dates when it has an award."""
    if end <= start:
        raise RuleViolation(
            "the end date %(end)s must be after the start date %(start)s",
            field="end_date",
            params={"end": end, "start": start},
        )
    if award_start is not None and start < award_start:
        raise RuleViolation(
            "the start date %(start)s is before the award starts (%(award_start)s)",
            field="start_date",
            params={"start": start, "award_start": award_start},
        )
    if award_end is not None and end > award_end:
        raise RuleViolation(
            "the end date %(end)s is after the award ends (%(award_end)s)",
            field="end_date",
            params={"end": end, "award_end": award_end},
        )
