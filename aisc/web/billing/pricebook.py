"""A price book over rate-card spans held in memory, with premiums per partition (fractions).

The portal prices from the catalogue's rate cards (`defaults.CataloguePrices`); this one serves
tests, benchmarks and the demo's synthetic usage, on the same core rules (`price_on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from aisc.core.catalogue.rates import RateSpan, check_rate_cards, price_on
from aisc.core.units import round_money


class SpanPrices:
    def __init__(
        self, spans: Sequence[RateSpan], premiums: Mapping[str, Decimal] | None = None
    ) -> None:
        check_rate_cards(spans)  # refuses gaps and overlaps, naming the cards
        self.spans = tuple(spans)
        self.premiums = dict(premiums or {})

    def price(self, chip: str, partition: str, day: dt.date) -> Decimal:
        """List price on the day × (1 + the partition's premium), rounded to the cent once, as the
        catalogue's `prices.price` does."""
        premium = self.premiums.get(partition, Decimal(0))
        return round_money(price_on(self.spans, chip, day) * (1 + premium))
