"""Rate cards: HK$ per GPU-hour per chip, effective-dated, with no gaps and no overlaps.

A card applies from `valid_from` (inclusive) to `valid_to` (exclusive: the first day it no longer
applies); only the latest card of a chip may be open-ended. The AISS subsidises "the List Price"
in force at approval (domain-facts §4.2), so every lookup is by date and the past is never
rewritten: a new price is a new card.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.catalogue.chips import chip, peak_tflops
from aisc.core.errors import NotFound, RuleViolation
from aisc.core.units import round_money

# Every HK$ figure below assumes HK$7.8 = US$1 (domain-facts §4.2, the linked-rate peg).
HKD_PER_USD = Decimal("7.8")


@dataclass(frozen=True)
class RateSpan:
    chip: str
    valid_from: dt.date
    valid_to: dt.date | None
    price: Decimal  # HK$ per GPU-hour, list price

    def covers(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


def _describe(span: RateSpan) -> str:
    end = span.valid_to.isoformat() if span.valid_to else "open-ended"
    return f"{span.chip} {span.valid_from.isoformat()} to {end}"


def check_span(span: RateSpan) -> None:
    """One card on its own: a known chip, a positive price, an end after its start."""
    chip(span.chip)
    if span.price <= 0:
        raise RuleViolation("the price per GPU-hour must be above zero", field="price")
    if span.valid_to is not None and span.valid_to <= span.valid_from:
        raise RuleViolation(
            "valid_to (%(valid_to)s) must be after valid_from (%(valid_from)s)",
            field="valid_to",
            params={"valid_to": span.valid_to, "valid_from": span.valid_from},
        )


def check_rate_cards(spans: Iterable[RateSpan]) -> None:
    """Each chip's cards must tile time from its first card on: no overlap, no gap."""
    by_chip: dict[str, list[RateSpan]] = {}
    for span in spans:
        check_span(span)
        by_chip.setdefault(span.chip, []).append(span)
    for cards in by_chip.values():
        cards.sort(key=lambda s: s.valid_from)
        for earlier, later in itertools.pairwise(cards):
            _check_adjacent(earlier, later)


def _check_adjacent(earlier: RateSpan, later: RateSpan) -> None:
    if earlier.valid_to is None or later.valid_from < earlier.valid_to:
        raise RuleViolation(
            "rate cards overlap: %(value)s and %(value2)s",
            field="valid_from",
            params={"value": _describe(earlier), "value2": _describe(later)},
        )
    if later.valid_from > earlier.valid_to:
        raise RuleViolation(
            (
                "rate cards leave a gap: %(value)s ends before %(value2)s "
                "starts; end one card on the day the next begins"
            ),
            field="valid_from",
            params={"value": _describe(earlier), "value2": _describe(later)},
        )


def supersede(existing: Iterable[RateSpan], new: RateSpan) -> list[RateSpan]:
    """The chip's cards once a new card is added: the open-ended card that started before it ends
    the day the new one starts (a new price supersedes the old one from that day). Everything
    else must already fit; an overlap or a gap is refused as by `check_rate_cards`."""
    result = [
        RateSpan(s.chip, s.valid_from, new.valid_from, s.price)
        if s.chip == new.chip and s.valid_to is None and s.valid_from < new.valid_from
        else s
        for s in existing
    ]
    check_rate_cards([*result, new])
    return result


def price_on(spans: Iterable[RateSpan], chip_code: str, on: dt.date) -> Decimal:
    """The list price of one chip on one day; NotFound when no card covers that day."""
    for span in spans:
        if span.chip == chip_code and span.covers(on):
            return span.price
    raise NotFound(
        "no rate card for %(chip_code)s on %(on)s",
        field="chip",
        params={"chip_code": chip_code, "on": on.isoformat()},
    )


@dataclass(frozen=True)
class ReferencePrice:
    chip: str
    hkd: Decimal
    basis: str

    @property
    def usd(self) -> Decimal:
        return round_money(self.hkd / HKD_PER_USD)


_TABLE = "domain-facts §4.2 (suggested list, assumption)"
# domain-facts §4.2, 'Suggested reference price list' [D]. Ascend 910B is given as HK$9 to 12;
# the midpoint is used. Biren chips have no suggested price: theirs is derived from H800's by
# BF16 dense throughput, the same rule the exchange rates use.
_LISTED: Mapping[str, tuple[str, str]] = {
    "h800": ("20.00", f"{_TABLE}: between DeepSeek's US$2 and specialty-cloud H100 US$2.35-3"),
    "h100": ("22.00", f"{_TABLE}: H800 +10 % for full NVLink"),
    "h200": ("28.00", f"{_TABLE}: +25-40 % memory premium"),
    "a100": ("10.00", f"{_TABLE}: ~45 % of H100"),
    "a800": ("10.00", f"{_TABLE}: ~45 % of H100"),
    "ascend910b": ("10.50", f"{_TABLE}: midpoint of HK$9 to 12"),
}


def reference_price(chip_code: str) -> ReferencePrice:
    """A starting list price for a chip, with its basis; operators replace it with real cards."""
    chip(chip_code)
    if chip_code in _LISTED:
        hkd, basis = _LISTED[chip_code]
        return ReferencePrice(chip_code, Decimal(hkd), basis)
    ratio = Decimal(repr(peak_tflops(chip_code, "bf16") / peak_tflops("h800", "bf16")))
    h800 = Decimal(_LISTED["h800"][0])
    return ReferencePrice(
        chip_code,
        round_money(h800 * ratio),
        "derived: H800 reference price x BF16 dense peak ratio (no published price)",
    )
