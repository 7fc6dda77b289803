"""The compute request and model details an application gives: bounds, dates, budget checks.

Requested GPU-hours = GPUs × months × 730 (the AISS form asks for "n GPU card(s)" × "m
month(s)"; docs/facts/domain-facts.md §1.4). The absurdity bounds sit well beyond anything
published (§3.4: the largest runs are ~671 B parameters, 36 T tokens), so a typo is caught and a
real request never is.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.units import Money

HOURS_PER_MONTH = 730
MAX_PARAMETERS = 1e13  # 10 trillion: ~15× the largest published MoE
MAX_TOKENS = 1e15  # 1 quadrillion: ~30× the largest published training set
MAX_EPOCHS = 100
MAX_SEQ_LEN = 10_000_000
MAX_GPUS = 3_032  # the whole centre at 3,000 PFLOPS BF16 dense (§1.7)
MAX_MONTHS = 36  # the scheme runs three years (§1.2)


@dataclass(frozen=True)
class Bound:
    low: float
    high: float
    rule: str


MODEL_BOUNDS: Mapping[str, Bound] = {
    "parameters": Bound(1, MAX_PARAMETERS, "between 1 and 10 trillion"),
    "active_parameters": Bound(1, MAX_PARAMETERS, "between 1 and 10 trillion"),
    "training_tokens": Bound(0, MAX_TOKENS, "between 0 and 10^15"),
    "epochs": Bound(1, MAX_EPOCHS, f"between 1 and {MAX_EPOCHS}"),
    "seq_len": Bound(1, MAX_SEQ_LEN, f"between 1 and {MAX_SEQ_LEN:,}"),
    "tokens_served": Bound(0, MAX_TOKENS, "between 0 and 10^15"),
    "gpus": Bound(1, MAX_GPUS, f"between 1 and {MAX_GPUS:,}"),
    "months": Bound(1, MAX_MONTHS, f"between 1 and {MAX_MONTHS}"),
}


def check_bounds(values: Mapping[str, float | int | None]) -> None:
    """Each given number lies within its bound; None means not filled in yet (a draft)."""
    for name, value in values.items():
        bound = MODEL_BOUNDS[name]
        if value is not None and not bound.low <= value <= bound.high:
            raise RuleViolation(
                "must be %(rule)s (got %(value)s)",
                field=name,
                params={"rule": bound.rule, "value": f"{value:g}"},
            )
    params, active = values.get("parameters"), values.get("active_parameters")
    if params is not None and active is not None and active > params:
        raise RuleViolation(
            "active parameters cannot exceed the total parameters", field="active_parameters"
        )


def requested_gpu_hours(gpus: int, months: int) -> Decimal:
    return Decimal(gpus) * months * HOURS_PER_MONTH


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a consumption period of `months` starting on `start`."""
    return add_months(start, months) - dt.timedelta(days=1)


def check_period(start: dt.date, months: int, window: tuple[dt.date, dt.date]) -> None:
    """The consumption period lies inside the call's period."""
    first, last = window
    if not first <= start <= last:
        raise RuleViolation(
            "the preferred start must lie in the call's period, %(first)s to %(last)s",
            field="preferred_start",
            params={"first": first, "last": last},
        )
    end = period_end(start, months)
    if end > last:
        raise RuleViolation(
            (
                "%(months)s months from %(start)s run to %(end)s, past the "
                "call's period end %(last)s"
            ),
            field="months",
            params={"months": months, "start": start, "end": end, "last": last},
        )


def check_within_budget(cost: Money, budget: Money) -> None:
    if cost > budget:
        raise RuleViolation(
            (
                "the request costs %(cost)s at the default subsidy, beyond the "
                "call budget of %(budget)s"
            ),
            field="gpus",
            params={"cost": cost, "budget": budget},
        )
