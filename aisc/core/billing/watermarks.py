"""Which period billed a usage charge, from each closed period's watermark.

Charges are append-only and numbered in the order they are written. Closing month M records the
highest charge number written so far (its watermark W) and bills every charge of month M or
earlier up to W that no earlier close billed. So a charge (month m, number n) was billed by the
first close, in closing order, whose month is m or later and whose watermark is n or more; a
charge written after its month closed (a late correction) is billed by the next close.

Closing order is watermark order: closes are serialised with the writers of charges, and each
close's watermark is at least the one before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aisc.core.metering.split import Month


@dataclass(frozen=True)
class Close:
    month: str  # YYYY-MM
    through: int  # the highest charge number when the period closed


@dataclass(frozen=True)
class Band:
    """Charges of these months numbered above `above` are not billed yet."""

    months: tuple[str, ...]  # empty with `up_to` set: every month up to and including `up_to`
    above: int
    up_to: str | None = None


def billed_by(month: str, number: int, closes: Sequence[Close]) -> Close | None:
    """The close that billed charge `number` of `month`, or None while it is unbilled."""
    for close in sorted(closes, key=lambda c: c.through):
        if close.month >= month and close.through >= number:
            return close
    return None


def unbilled_bands(closes: Sequence[Close]) -> tuple[list[Band], str | None]:
    """The unbilled charges as bands, and the last closed month (charges of later months are
    all unbilled; None when no period has closed, so every charge is).

    A month's charges are billed up to the highest watermark of the closes of that month or a
    later one; consecutive months between two closed months share it.
    """
    if not closes:
        return [], None
    by_month: dict[str, int] = {}
    for close in closes:
        by_month[close.month] = max(by_month.get(close.month, 0), close.through)
    months = sorted(by_month)
    bands: list[Band] = []
    highest = 0
    for i in range(len(months) - 1, -1, -1):  # suffix maxima, latest month first
        highest = max(highest, by_month[months[i]])
        if i == 0:
            bands.append(Band((), highest, up_to=months[0]))
        else:
            bands.append(Band(_months_between(months[i - 1], months[i]), highest))
    return bands[::-1], months[-1]


def _months_between(after: str, up_to: str) -> tuple[str, ...]:
    """The months after `after`, up to and including `up_to`."""
    month, last = Month.parse(after).next(), Month.parse(up_to)
    found = []
    while month <= last:
        found.append(str(month))
        month = month.next()
    return tuple(found)
