"""Tranche plans: how an award's GPU-hours are released (e.g. 50 % at start, 50 % after an
accepted progress report). Fractions sum to exactly 1; the last tranche takes the rounding rest,
so the tranches always add up to the award.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from aisc.core.errors import RuleViolation

HUNDREDTH = Decimal("0.01")
AT_START = "at start"
AFTER_REPORT = "after an accepted progress report"


@dataclass(frozen=True)
class TrancheSpec:
    fraction: Decimal
    condition: str


DEFAULT_PLAN: tuple[TrancheSpec, ...] = (
    TrancheSpec(Decimal("0.5"), AT_START),
    TrancheSpec(Decimal("0.5"), AFTER_REPORT),
)


def parse_plan(rows: Iterable[Mapping[str, Any]]) -> tuple[TrancheSpec, ...]:
    try:
        plan = tuple(
            TrancheSpec(Decimal(str(row["fraction"])), str(row.get("condition", "")))
            for row in rows
        )
    except (KeyError, InvalidOperation) as exc:
        raise RuleViolation(
            "each tranche needs a fraction such as 0.5", field="tranche_plan"
        ) from exc
    validate_plan(plan)
    return plan


def validate_plan(plan: tuple[TrancheSpec, ...]) -> None:
    if not plan:
        raise RuleViolation("a tranche plan needs at least one tranche", field="tranche_plan")
    if any(not 0 < t.fraction <= 1 for t in plan):
        raise RuleViolation(
            "each tranche fraction must lie above 0 and at most 1", field="tranche_plan"
        )
    total = sum((t.fraction for t in plan), Decimal(0))
    if total != 1:
        raise RuleViolation(
            "tranche fractions must sum to 1 (they sum to %(total)s)",
            field="tranche_plan",
            params={"total": total},
        )


def split_hours(total: Decimal, plan: tuple[TrancheSpec, ...]) -> list[Decimal]:
    """GPU-hours per tranche to the hundredth; the last takes what rounding left."""
    validate_plan(plan)
    heads = [(total * t.fraction).quantize(HUNDREDTH, rounding=ROUND_DOWN) for t in plan[:-1]]
    return [*heads, total - sum(heads, Decimal(0))]


def waits_until(start: date, today: date) -> date | None:
    """A tranche is never released before the award's start date: the day its release waits for,
    or None when it may be released today."""
    return start if today < start else None
