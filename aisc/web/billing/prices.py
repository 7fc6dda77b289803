"""Price books (core `PriceBook`): what a GPU-hour of a chip costs on a day, in a partition.

The portal prices from the catalogue's rate cards (`CataloguePrices`: the list price of
`list_price(chip, on)`, and on top of it the partition's and the dedicated-node premiums).
`SpanPrices` holds rate-card spans in memory, with premiums as fractions of the list price, for
tests, benchmarks and the demo's synthetic usage, on the same core rules (`price_on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from aisc.core.billing.rating import UnitPrice
from aisc.core.catalogue.rates import RateSpan, check_rate_cards, price_on
from aisc.core.units import round_money
from aisc.web.catalogue import prices as catalogue_prices
from aisc.web.catalogue.models import Partition


class SpanPrices:
    def __init__(
        self,
        spans: Sequence[RateSpan],
        premiums: Mapping[str, Decimal] | None = None,
        dedicated_premium: Decimal = Decimal(0),
    ) -> None:
        check_rate_cards(spans)  # refuses gaps and overlaps, naming the cards
        self.spans = tuple(spans)
        self.premiums = dict(premiums or {})
        self.dedicated_premium = dedicated_premium

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        """The list price on the day, and on top of it the partition's premium plus (dedicated)
        the dedicated premium, as fractions of the list price rounded to the cent once, as the
        catalogue's `prices.price` does."""
        listed = price_on(self.spans, chip, day)
        fraction = self.premiums.get(partition, Decimal(0))
        if dedicated:
            fraction += self.dedicated_premium
        return UnitPrice(listed, round_money(listed * (1 + fraction)) - listed)


class CataloguePrices:
    """List price per chip and day from the rate cards; the premium is what the catalogue's
    price with the partition's (and, dedicated, the dedicated) premium adds to it."""

    def __init__(self) -> None:
        self._partitions: dict[str, Partition | None] = {}

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        if partition not in self._partitions:
            self._partitions[partition] = Partition.objects.filter(name=partition).first()
        listed = catalogue_prices.list_price(chip, day)
        total = catalogue_prices.price(
            chip, day, partition=self._partitions[partition], dedicated=dedicated
        )
        return UnitPrice(listed, total - listed)
