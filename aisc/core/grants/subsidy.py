"""Subsidy rules and the cost of an award to the fund.

AISS: "normally up to 70 % of the AISC list price"; in special and exceptional cases the
Committee may go up to 90 % (docs/facts/domain-facts.md §1.2). Above the normal maximum the
decision must record why. The cost of an award is GPU-hours × list price × subsidy rate, with the
list price in force at approval (§4.2: "computed against the list version in force at approval").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import InsufficientBalance, RuleViolation
from aisc.core.units import Money

ONE = Decimal(1)


@dataclass(frozen=True)
class SubsidyRules:
    default_rate: Decimal = Decimal("0.70")
    max_rate: Decimal = Decimal("0.70")
    exceptional_max_rate: Decimal = Decimal("0.90")

    def __post_init__(self) -> None:
        if not 0 < self.default_rate <= self.max_rate:
            raise RuleViolation(
                "the default subsidy must be above 0 and at most the normal maximum",
                field="default_rate",
            )
        if not self.max_rate <= self.exceptional_max_rate <= ONE:
            raise RuleViolation(
                "the exceptional maximum must lie between the normal maximum and 100 %",
                field="exceptional_max_rate",
            )


def check_rate(rules: SubsidyRules, rate: Decimal, exceptional_reason: str) -> None:
    """Refuse a rate outside (0, exceptional max], or above the normal max without a reason."""
    if not 0 < rate <= rules.exceptional_max_rate:
        raise RuleViolation(
            "the subsidy rate must be above 0 and at most %(exceptional_max_rate)s",
            field="subsidy_rate",
            params={"exceptional_max_rate": f"{rules.exceptional_max_rate:.0%}"},
        )
    if rate > rules.max_rate and not exceptional_reason.strip():
        raise RuleViolation(
            "a subsidy above %(max_rate)s needs a recorded exceptional reason",
            field="exceptional_reason",
            params={"max_rate": f"{rules.max_rate:.0%}"},
        )


def subsidy_cost(gpu_hours: Decimal, list_price: Decimal, rate: Decimal) -> Money:
    """What the fund pays for an award: one line, rounded once."""
    return Money(gpu_hours * list_price * rate)


def check_call_budget(budget: Money, fund: Money, other_budgets: Money) -> None:
    """A call's budget is drawn from what the fund has not already given to other calls."""
    if budget.amount <= 0:
        raise RuleViolation("a call budget must be positive", field="budget")
    left = fund - other_budgets
    if budget > left:
        raise InsufficientBalance(
            "the budget %(budget)s exceeds what the fund has left uncommitted (%(left)s)",
            field="budget",
            params={"budget": budget, "left": left},
        )


def check_commitment(cost: Money, budget: Money, committed: Money) -> None:
    """An award never commits more than its call has left."""
    left = budget - committed
    if cost > left:
        raise InsufficientBalance(
            "this award costs %(cost)s but the call has only %(left)s left of its budget",
            field="gpus",
            params={"cost": cost, "left": left},
        )
