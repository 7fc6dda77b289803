"""Ranking applications by aggregate score against the call budget.

Applications are taken in score order (ties: the cheaper first, then the older); each is funded
while it fits in what is left. One that does not fit falls below the line, and a cheaper one
further down may still fit: the committee sees both and decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.units import Money


@dataclass(frozen=True)
class Candidate:
    key: int
    score: Decimal | None  # None: no review submitted yet, ranked last
    cost: Money


@dataclass(frozen=True)
class Ranked:
    key: int
    rank: int
    score: Decimal | None
    cost: Money
    cumulative: Money  # funded cost so far, including this one when it fits
    within_budget: bool


def _order(c: Candidate) -> tuple[bool, Decimal, Decimal, int]:
    return (c.score is None, -(c.score or Decimal(0)), c.cost.amount, c.key)


def rank(candidates: Iterable[Candidate], budget: Money) -> list[Ranked]:
    funded = Money.zero()
    result = []
    for position, c in enumerate(sorted(candidates, key=_order), start=1):
        fits = funded + c.cost <= budget
        if fits:
            funded = funded + c.cost
        result.append(Ranked(c.key, position, c.score, c.cost, funded, fits))
    return result
