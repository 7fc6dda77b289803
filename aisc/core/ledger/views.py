"""Read-outs of the fund: appropriated → committed → disbursed → remaining, per scheme and call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.ledger.accounts import Kind, kind_of, path_of

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundLine:
    """Figures of one scheme or call, in HKD. For a call, `appropriated` is its budget.
    `disbursed` is the subsidy paid out; `recovered`, what recovery payments brought back."""

    key: tuple[str, ...]
    appropriated: Decimal
    committed: Decimal
    disbursed: Decimal
    recovered: Decimal = ZERO

    @property
    def uncommitted(self) -> Decimal:
        return self.appropriated - self.committed

    @property
    def undisbursed(self) -> Decimal:
        """Committed to awards but not yet consumed as subsidy."""
        return self.committed - self.disbursed

    @property
    def remaining(self) -> Decimal:
        """What the fund still holds: appropriated less subsidy paid out, plus what came back."""
        return self.appropriated - self.disbursed + self.recovered


def _sum_by(
    balances: Mapping[str, Decimal], kind: Kind, depth: int
) -> dict[tuple[str, ...], Decimal]:
    totals: dict[tuple[str, ...], Decimal] = {}
    for code, amount in balances.items():
        if kind_of(code) is kind:
            key = path_of(code)[:depth]
            totals[key] = totals.get(key, ZERO) + amount
    return totals


NONE: Mapping[str, Decimal] = {}


def per_scheme(
    balances: Mapping[str, Decimal], recovered: Mapping[str, Decimal] = NONE
) -> list[FundLine]:
    """`recovered`: per `disbursed:` account, what recovery payments credited it (positive); the
    balances hold disbursed net of it, the lines show both."""
    appropriated = {k: -v for k, v in _sum_by(balances, Kind.APPROPRIATION, 1).items()}
    return _lines(appropriated, balances, recovered, depth=1)


def per_call(
    balances: Mapping[str, Decimal],
    budgets: Mapping[tuple[str, str], Decimal],
    recovered: Mapping[str, Decimal] = NONE,
) -> list[FundLine]:
    """Call budgets are the sums of money moved into each call (debits), passed in as `budgets`."""
    top: dict[tuple[str, ...], Decimal] = dict(budgets.items())
    return _lines(top, balances, recovered, depth=2)


def _lines(
    top: Mapping[tuple[str, ...], Decimal],
    balances: Mapping[str, Decimal],
    recovered: Mapping[str, Decimal],
    depth: int,
) -> list[FundLine]:
    committed = _sum_by(balances, Kind.COMMITMENT, depth)
    net = _sum_by(balances, Kind.DISBURSED, depth)
    back = _sum_by(recovered, Kind.DISBURSED, depth)
    keys = sorted(set(top) | set(committed) | set(net))
    return [
        FundLine(
            key=k,
            appropriated=top.get(k, ZERO),
            committed=committed.get(k, ZERO),
            disbursed=net.get(k, ZERO) + back.get(k, ZERO),
            recovered=back.get(k, ZERO),
        )
        for k in keys
    ]


def per_project_disbursed(balances: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Subsidy consumed per project code: the input of the per-organisation history.

    Summed over every scheme and call the code appears under, so none of it is dropped."""
    totals: dict[str, Decimal] = {}
    for path, amount in _sum_by(balances, Kind.DISBURSED, 3).items():
        totals[path[2]] = totals.get(path[2], ZERO) + amount
    return totals
