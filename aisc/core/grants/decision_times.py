"""How long applicants wait: the time from submission to the committee's decision, summarised per
call as the median and the 90th percentile (nearest rank), published on the call's public page."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DAY = Decimal(86400)
MINUTE = Decimal(60)


@dataclass(frozen=True)
class DecisionTimes:
    count: int
    median_days: Decimal
    p90_days: Decimal
    # The fast lane decides in minutes, which days to one decimal would show as 0.0.
    median_minutes: Decimal = Decimal(0)
    p90_minutes: Decimal = Decimal(0)


def _days(seconds: Decimal) -> Decimal:
    return (seconds / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _minutes(seconds: Decimal) -> Decimal:
    return (seconds / MINUTE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def summarise(waits: Iterable[dt.timedelta]) -> DecisionTimes | None:
    """None when nothing has been decided yet; a negative wait (a clock set back) counts as 0."""
    seconds = sorted(max(Decimal(w.total_seconds()), Decimal(0)) for w in waits)
    if not seconds:
        return None
    n = len(seconds)
    middle = n // 2
    median = seconds[middle] if n % 2 else (seconds[middle - 1] + seconds[middle]) / 2
    p90 = seconds[math.ceil(0.9 * n) - 1]
    return DecisionTimes(n, _days(median), _days(p90), _minutes(median), _minutes(p90))
