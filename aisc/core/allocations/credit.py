"""The credit lifecycle of an allocation's released GPU-hours: the stage its use has reached
(warned at one threshold, stopped at another, expired after the award's end), the unused hours
a tranche carries into the next, what the expired hours' subsidy comes to, and the day the
budget runs out at the recent pace (the grantee's usage page and the secretariat's view).

The stages and their steps are the table `lifecycle.CREDIT_TRANSITIONS`; this module says which
steps the figures call for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from aisc.core.allocations.lifecycle import CreditStage, credit_transition
from aisc.core.errors import RuleViolation
from aisc.core.units import CENT, round_money

# Days whose mean use is the burn rate the exhaustion date extrapolates.
RATE_DAYS = 30
DEFAULT_WARN_PERCENT = 80
DEFAULT_STOP_PERCENT = 100
# A scheme's carry-over by default: every unused hour goes on, and expires at the award's end.
FULL_CARRY_OVER = Decimal(100)
_RANK = {CreditStage.OPEN: 0, CreditStage.WARNED: 1, CreditStage.STOPPED: 2}
_EVENT = {CreditStage.WARNED: "warn", CreditStage.STOPPED: "stop"}


@dataclass(frozen=True)
class Thresholds:
    """Percentages of the released budget: warn the grantee at `warn`, stop new jobs at `stop`."""

    warn: int = DEFAULT_WARN_PERCENT
    stop: int = DEFAULT_STOP_PERCENT

    def __post_init__(self) -> None:
        if not 0 < self.warn < self.stop <= 100:
            raise RuleViolation(
                "the warning threshold (%(warn)s%%) must be above 0 and below the stop "
                "threshold (%(stop)s%%), which is at most 100%%",
                field="thresholds",
                params={"warn": self.warn, "stop": self.stop},
            )


def stage_for(used: Decimal, released: Decimal, thresholds: Thresholds) -> CreditStage:
    """The stage the use of a released budget calls for, before the award ends. Nothing released
    is nothing to warn about: the allocation is not running yet."""
    if released <= 0:
        return CreditStage.OPEN
    if used * 100 >= released * thresholds.stop:
        return CreditStage.STOPPED
    if used * 100 >= released * thresholds.warn:
        return CreditStage.WARNED
    return CreditStage.OPEN


def due_events(
    stage: str,
    used: Decimal,
    released: Decimal,
    *,
    ended: bool,
    thresholds: Thresholds,
) -> list[str]:
    """The steps, in order, from `stage` to where the figures are. A budget raised below a stage
    reached reopens first, and the lower stage is then reached anew (its notice sent again for
    the new budget); a stage skipped on the way up (warned, when use jumps past the stop) is
    not sent on its own, the stop's notice says more."""
    current = CreditStage(stage)
    if current == CreditStage.EXPIRED:
        return []
    if ended:
        return ["expire"]
    target = stage_for(used, released, thresholds)
    if target == current:
        return []
    events = []
    if _RANK[target] < _RANK[current]:
        events.append("reopen")
    if target != CreditStage.OPEN:
        events.append(_EVENT[target])
    walked: CreditStage = current
    for event in events:  # every step must be in the table
        walked = credit_transition(walked, event)
    return events


def unused(released: Decimal, used: Decimal) -> Decimal:
    """Released hours not used, down to the hundredth of an hour budgets are kept in (use is
    metered finer); none when use ran past the budget."""
    return max(released - used, Decimal(0)).quantize(CENT, rounding=ROUND_DOWN)


def check_carry_over_percent(percent: Decimal, most: Decimal = FULL_CARRY_OVER) -> Decimal:
    """A carry-over percentage is from 0 (every unused hour expires at the next release) to the
    `most` a scheme allows (100: every unused hour goes on)."""
    if not 0 <= percent <= most:
        raise RuleViolation(
            "the carry-over must be from 0 to %(most)s%% of the unused hours (got %(percent)s%%)",
            field="carry_over_percent",
            params={"most": most, "percent": percent},
        )
    return percent


def carry_over(left: Decimal, percent: Decimal, most: Decimal) -> tuple[Decimal, Decimal]:
    """(carried, expired): `percent` of a tranche's unused hours go on into the next tranche,
    rounded down to the hundredth of an hour, the rest expire. The scheme sets the `most` a
    release may carry."""
    check_carry_over_percent(percent, most)
    if left <= 0:
        return Decimal(0), Decimal(0)
    carried = (left * percent / 100).quantize(CENT, rounding=ROUND_DOWN)
    return carried, left - carried


def carry_over_at_release(
    released: Mapping[str, Decimal], used: Mapping[str, Decimal], percent: Decimal
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per chip with unused released hours before a tranche's release, (carried, expired) at the
    scheme's `percent`; chips used up (or beyond) carry and lose nothing and are left out."""
    check_carry_over_percent(percent)
    return {
        chip: carry_over(left, percent, FULL_CARRY_OVER)
        for chip, hours in sorted(released.items())
        if (left := unused(hours, used.get(chip, Decimal(0)))) > 0
    }


def expired_subsidy(list_value: Decimal, rate: Decimal, undisbursed: Decimal) -> Decimal:
    """The subsidy the expired hours would have drawn (their value at list price x the subsidy
    rate, to the cent), never more than the award's commitment still undisbursed."""
    value = round_money(list_value * rate)
    return max(min(value, undisbursed), Decimal(0))


def burn_rate(days: Sequence[tuple[dt.date, float]], today: dt.date) -> float:
    """Mean GPU-hours a day over the last RATE_DAYS days up to today."""
    since = today - dt.timedelta(days=RATE_DAYS)
    return sum(hours for day, hours in days if since < day <= today) / RATE_DAYS


def exhaustion_date(
    days: Sequence[tuple[dt.date, float]], released: float, rate: float, today: dt.date
) -> dt.date | None:
    """The day the released hours ran out (past) or will at `rate` a day (projected); None when
    they will not at this pace. `days` are (day, GPU-hours used), in order."""
    total = 0.0
    for day, hours in days:
        total += hours
        if released > 0 and total >= released:
            return day
    left = released - total
    if rate <= 0 or left <= 0:
        return None
    ahead = left / rate
    if ahead > (dt.date.max - today).days:  # a pace so slow no calendar holds the day
        return None
    return today + dt.timedelta(days=math.ceil(ahead))
