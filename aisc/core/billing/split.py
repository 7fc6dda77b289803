"""The subsidy split of one charge line: the fund pays its rate, capped; the grantee the rest."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.units import round_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Terms:
    """An award's subsidy terms: a rate (≤ 0.70, up to 0.90; domain-facts §1.2) and a cap."""

    rate: Decimal
    cap: Decimal

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.rate <= Decimal(1):
            raise RuleViolation(
                "subsidy_rate: must be between 0 and 1 (got %(rate)s)",
                field="subsidy_rate",
                params={"rate": self.rate},
            )
        if self.cap < 0:
            raise RuleViolation(
                "subsidy_cap: must not be negative (got %(cap)s)",
                field="subsidy_cap",
                params={"cap": self.cap},
            )


@dataclass(frozen=True)
class Split:
    list_amount: Decimal
    fund_share: Decimal
    grantee_share: Decimal
    capped: bool  # the cap cut the fund's share: the grantee pays more than its usual part
    # The part of the line's subsidy the cap left to the grantee (> 0), or, for a credit, minus
    # the part of such unsubsidised usage it cancelled (< 0): what `unsubsidised` moves by.
    uncovered: Decimal = ZERO


def split_line(
    list_amount: Decimal, terms: Terms | None, cap_used: Decimal, unsubsidised: Decimal = ZERO
) -> Split:
    """Split a line already rounded to the cent.

    Fund share = rate × amount (rounded once), no more than the cap still unused; commercial
    projects (no terms) pay in full. `unsubsidised` is what the cap has left to the grantee so
    far (the sum of earlier lines' `uncovered`). A negative line (a correction) first cancels that
    unsubsidised usage, which the grantee paid in full, and only then gives subsidy back at the
    same rate, never more than was used: so the fund's total is always
    min(Σ rate × amount, cap) over the lines so far, credits included.
    """
    if round_money(list_amount) != list_amount:
        raise RuleViolation("list_amount: must be rounded to the cent first", field="list_amount")
    if terms is None:
        return Split(list_amount, ZERO, list_amount, capped=False)
    wanted = round_money(terms.rate * list_amount)
    if wanted >= 0:
        fund = min(wanted, max(terms.cap - cap_used, ZERO))
        return Split(list_amount, fund, list_amount - fund, fund < wanted, wanted - fund)
    cancelled = min(max(unsubsidised, ZERO), -wanted)
    fund = max(wanted + cancelled, -max(cap_used, ZERO))
    return Split(list_amount, fund, list_amount - fund, capped=False, uncovered=-cancelled)
