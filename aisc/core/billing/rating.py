"""Rating: usage segments × the price in force → charge lines, rounded once per line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from aisc.core.units import round_money

SECONDS_PER_HOUR = Decimal(3600)
GPU_HOURS_PLACES = Decimal("0.0001")


class PriceBook(Protocol):
    def price(self, chip: str, partition: str, day: dt.date) -> Decimal:
        """HK$ per GPU-hour of `chip` on `partition` on `day`, premiums included.

        Raises NotFound for a chip without a rate on that day.
        """
        ...


@dataclass(frozen=True)
class Segment:
    """GPU-seconds of one project on one chip and partition, starting on `day`."""

    project: str
    chip: str
    partition: str
    day: dt.date
    gpu_seconds: int
    late: bool = False  # belongs to a period already closed


@dataclass(frozen=True, order=True)
class LineKey:
    project: str
    chip: str
    partition: str
    unit_price: Decimal
    late: bool


@dataclass(frozen=True)
class ChargeLine:
    key: LineKey
    gpu_seconds: int

    @property
    def gpu_hours(self) -> Decimal:
        """For display: four places; the amount is computed from exact seconds."""
        return (Decimal(self.gpu_seconds) / SECONDS_PER_HOUR).quantize(GPU_HOURS_PLACES)

    @property
    def list_amount(self) -> Decimal:
        return round_money(Decimal(self.gpu_seconds) * self.key.unit_price / SECONDS_PER_HOUR)


def rate(segments: Iterable[Segment], prices: PriceBook) -> list[ChargeLine]:
    """Group segments into lines by project, chip, partition, price and lateness; sorted."""
    totals: dict[LineKey, int] = {}
    cache: dict[tuple[str, str, dt.date], Decimal] = {}
    for seg in segments:
        where = (seg.chip, seg.partition, seg.day)
        if where not in cache:
            cache[where] = prices.price(*where)
        key = LineKey(seg.project, seg.chip, seg.partition, cache[where], seg.late)
        totals[key] = totals.get(key, 0) + seg.gpu_seconds
    return [ChargeLine(k, s) for k, s in sorted(totals.items()) if s != 0]
