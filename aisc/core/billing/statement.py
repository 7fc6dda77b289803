"""A project's statement for a period: lines and their split; totals sum the rounded lines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.billing.rating import ChargeLine
from aisc.core.billing.split import ZERO, Split, Terms, split_line


@dataclass(frozen=True)
class StatementLine:
    """A charge line and the split of its list amount; the premium is the grantee's alone."""

    charge: ChargeLine
    split: Split

    @property
    def premium(self) -> Decimal:
        return self.charge.premium_amount

    @property
    def due(self) -> Decimal:
        return self.split.grantee_share + self.premium

    @property
    def charged(self) -> Decimal:
        """All the line costs: list amount + premium = subsidy + due."""
        return self.split.list_amount + self.premium


@dataclass(frozen=True)
class Statement:
    project: str
    lines: tuple[StatementLine, ...]
    cap_used_before: Decimal

    @property
    def list_amount(self) -> Decimal:
        return sum((line.split.list_amount for line in self.lines), ZERO)

    @property
    def premium(self) -> Decimal:
        return sum((line.premium for line in self.lines), ZERO)

    @property
    def subsidy(self) -> Decimal:
        return sum((line.split.fund_share for line in self.lines), ZERO)

    @property
    def due(self) -> Decimal:
        """The grantee's share of the list amounts, plus every premium."""
        return sum((line.due for line in self.lines), ZERO)

    @property
    def gpu_seconds(self) -> int:
        return sum(line.charge.gpu_seconds for line in self.lines)

    @property
    def unsubsidised(self) -> Decimal:
        """How much the statement moved what the cap has left to the grantee (split_line)."""
        return sum((line.split.uncovered for line in self.lines), ZERO)

    @property
    def cap_reached(self) -> bool:
        return any(line.split.capped for line in self.lines)


def build_statement(
    project: str,
    charges: Iterable[ChargeLine],
    terms: Terms | None,
    cap_used_before: Decimal,
    unsubsidised_before: Decimal = ZERO,
) -> Statement:
    """Split each line in order; each line's subsidy uses up the cap for the lines after it, and
    what the cap left unsubsidised is what a later credit cancels first (split_line)."""
    used, unsubsidised = cap_used_before, unsubsidised_before
    lines: list[StatementLine] = []
    for charge in sorted(charges, key=lambda c: c.key):
        split = split_line(charge.list_amount, terms, used, unsubsidised)
        used += split.fund_share
        unsubsidised += split.uncovered
        lines.append(StatementLine(charge, split))
    return Statement(project, tuple(lines), cap_used_before)


@dataclass(frozen=True)
class Totals:
    list_amount: Decimal
    subsidy: Decimal
    due: Decimal
    gpu_seconds: int
    premium: Decimal = ZERO


def totals(statements: Sequence[Statement]) -> Totals:
    return Totals(
        list_amount=sum((s.list_amount for s in statements), ZERO),
        premium=sum((s.premium for s in statements), ZERO),
        subsidy=sum((s.subsidy for s in statements), ZERO),
        due=sum((s.due for s in statements), ZERO),
        gpu_seconds=sum(s.gpu_seconds for s in statements),
    )
