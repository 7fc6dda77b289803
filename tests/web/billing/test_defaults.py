import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.billing.rating import UnitPrice
from aisc.core.errors import NotFound
from aisc.web.billing.prices import CataloguePrices
from aisc.web.catalogue import prices as catalogue_prices
from aisc.web.catalogue.models import Cluster, Partition, PartitionPremium, RateCard

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def cards() -> None:
    RateCard.objects.filter(chip_id="h800").delete()
    march = RateCard.objects.create(
        chip_id="h800",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 4, 1),
        price=20,
        dedicated_premium=Decimal("0.125"),
    )
    RateCard.objects.create(chip_id="h800", valid_from=dt.date(2026, 4, 1), price=18)
    cluster = Cluster.objects.create(code="aisc-test", name="AISC")
    premium = Partition.objects.create(cluster=cluster, name="h800-ib")
    Partition.objects.create(cluster=cluster, name="h800-plain")
    PartitionPremium.objects.create(rate_card=march, partition=premium, premium=Decimal("0.25"))


@pytest.mark.usefixtures("cards")
def test_billing_prices_from_the_catalogue_rate_card_in_force_on_the_day() -> None:
    prices = CataloguePrices()
    assert prices.price("h800", "h800-plain", dt.date(2026, 3, 31)) == UnitPrice(D("20.00"))
    assert prices.price("h800", "h800-plain", dt.date(2026, 4, 1)) == UnitPrice(D("18.00"))
    assert prices.price("h800", "unknown-partition", dt.date(2026, 3, 1)) == UnitPrice(D("20.00"))


@pytest.mark.usefixtures("cards")
def test_a_partition_premium_is_a_fraction_of_the_list_price_on_top_of_it() -> None:
    price = CataloguePrices().price("h800", "h800-ib", dt.date(2026, 3, 1))
    assert price == UnitPrice(D("20.00"), D("5.00"))
    assert price.total == catalogue_prices.price(
        "h800", dt.date(2026, 3, 1), partition=Partition.objects.get(name="h800-ib")
    )


@pytest.mark.usefixtures("cards")
def test_the_dedicated_premium_adds_to_the_partition_premium() -> None:
    # March card: dedicated 12.5 %, h800-ib 25 %: 20.00 x 1.375 = 27.50
    prices = CataloguePrices()
    assert prices.price("h800", "h800-ib", dt.date(2026, 3, 1), dedicated=True) == UnitPrice(
        D("20.00"), D("7.50")
    )
    assert prices.price("h800", "h800-plain", dt.date(2026, 3, 1), dedicated=True) == UnitPrice(
        D("20.00"), D("2.50")
    )
    # The April card has no premium of any kind.
    assert prices.price("h800", "h800-ib", dt.date(2026, 4, 1), dedicated=True) == UnitPrice(
        D("18.00")
    )


@pytest.mark.usefixtures("cards")
def test_a_chip_without_a_card_on_the_day_is_not_found() -> None:
    with pytest.raises(NotFound) as err:
        CataloguePrices().price("h800", "h800-plain", dt.date(2025, 12, 31))
    assert err.value.field == "chip"
