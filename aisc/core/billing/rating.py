"""Rating: usage segments × the price in force → charge lines, rounded once per line.

A price has two parts: the list price (what the subsidy percentage applies to: the AISS pays
"70% of the List Price", domain-facts §1.2) and a premium on top (a partition's, and for a
project on dedicated nodes the dedicated premium), which the grantee pays in full. Each part's
amount is rounded once per line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from aisc.core.units import round_money

SECONDS_PER_HOUR = Decimal(3600)
GPU_HOURS_PLACES = Decimal("0.0001")


@dataclass(frozen=True, order=True)
class UnitPrice:
    """HK$ per GPU-hour: the list price, and the premium charged on top of it."""

    list_price: Decimal
    premium: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.list_price + self.premium


class PriceBook(Protocol):
    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        """The price of a GPU-hour of `chip` on `partition` on `day`; `dedicated` adds the
        dedicated-node premium. Raises NotFound for a chip without a rate on that day.
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
    unit_price: Decimal  # the list price per GPU-hour
    late: bool
    premium_price: Decimal = Decimal("0.00")  # per GPU-hour, on top of the list price


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

    @property
    def premium_amount(self) -> Decimal:
        return round_money(Decimal(self.gpu_seconds) * self.key.premium_price / SECONDS_PER_HOUR)


def rate(
    segments: Iterable[Segment], prices: PriceBook, *, dedicated: bool = False
) -> list[ChargeLine]:
    """Group segments into lines by project, chip, partition, price and lateness; sorted.
    `dedicated`: the segments' project runs on dedicated nodes, so its premium applies."""
    totals: dict[LineKey, int] = {}
    cache: dict[tuple[str, str, dt.date], UnitPrice] = {}
    for seg in segments:
        where = (seg.chip, seg.partition, seg.day)
        if where not in cache:
            cache[where] = prices.price(*where, dedicated=dedicated)
        price = cache[where]
        key = LineKey(
            seg.project, seg.chip, seg.partition, price.list_price, seg.late, price.premium
        )
        totals[key] = totals.get(key, 0) + seg.gpu_seconds
    return [ChargeLine(k, s) for k, s in sorted(totals.items()) if s != 0]
