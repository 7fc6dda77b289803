"""List prices from the rate cards. Grants (cost of an award) and billing (rating) call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.catalogue.chips import chip as known_chip
from aisc.core.errors import NotFound
from aisc.core.units import round_money
from aisc.web.catalogue.models import Partition, PartitionPremium, RateCard


def rate_card(chip: str, on: dt.date) -> RateCard:
    """The card in force for a chip on a day; NotFound naming the chip and day otherwise."""
    known_chip(chip)
    card = (
        RateCard.objects.filter(chip_id=chip, valid_from__lte=on)
        .exclude(valid_to__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if card is None:
        raise NotFound(f"no rate card for {chip} on {on.isoformat()}", field="chip")
    return card


def list_price(chip: str, on: dt.date) -> Decimal:
    """HK$ per GPU-hour of a chip on a day: the price the subsidy percentage applies to."""
    return rate_card(chip, on).price


def price(
    chip: str, on: dt.date, *, partition: Partition | None = None, dedicated: bool = False
) -> Decimal:
    """The list price with the premiums that apply, rounded to the cent once."""
    card = rate_card(chip, on)
    premium = card.dedicated_premium if dedicated else Decimal(0)
    if partition is not None:
        extra = PartitionPremium.objects.filter(rate_card=card, partition=partition).first()
        premium += extra.premium if extra is not None else Decimal(0)
    return round_money(card.price * (1 + premium))
