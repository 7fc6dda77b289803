import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aisc.core.errors import NotFound, RuleViolation
from aisc.web.audit.models import AuditEvent
from aisc.web.catalogue.actions import RateCardInput, do_save_rate_card
from aisc.web.catalogue.models import Partition, PartitionPremium, RateCard
from aisc.web.catalogue.prices import list_price, price
from aisc.web.demo import DemoReport

JAN = dt.date(2026, 1, 1)
JUL = dt.date(2026, 7, 1)


def test_list_price_reads_the_card_in_force_on_the_day(centre: DemoReport) -> None:
    assert list_price("h800", JAN) == Decimal("20.00")
    assert list_price("br104", JAN) == Decimal("10.35")


def test_a_new_price_is_a_new_card_and_the_past_keeps_its_price(centre: DemoReport) -> None:
    old = RateCard.objects.get(chip_id="h800")
    do_save_rate_card(
        RateCardInput("h800", old.valid_from, JUL, old.price), acting_user=None, card=old
    )
    do_save_rate_card(RateCardInput("h800", JUL, None, Decimal("18.00")), acting_user=None)
    assert list_price("h800", JUL - dt.timedelta(days=1)) == Decimal("20.00")
    assert list_price("h800", JUL) == Decimal("18.00")
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="catalogue.ratecard")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["catalogue.ratecard.change", "catalogue.ratecard.create"]


def test_a_card_reaching_into_an_earlier_one_is_refused_and_nothing_is_saved(
    centre: DemoReport,
) -> None:
    before = RateCard.objects.count()
    early = RateCardInput("h800", dt.date(2024, 1, 1), dt.date(2025, 1, 1), Decimal("18.00"))
    with pytest.raises(RuleViolation) as caught:
        do_save_rate_card(early, acting_user=None)
    assert caught.value.field == "valid_from"
    assert "overlap" in caught.value.message
    assert RateCard.objects.count() == before
    assert RateCard.objects.get(chip_id="h800").valid_to is None


def test_a_new_card_supersedes_the_open_ended_one_from_its_first_day(centre: DemoReport) -> None:
    do_save_rate_card(RateCardInput("h800", JUL, None, Decimal("18.00")), acting_user=None)
    assert list_price("h800", JUL - dt.timedelta(days=1)) == Decimal("20.00")
    assert list_price("h800", JUL) == Decimal("18.00")
    old = RateCard.objects.get(chip_id="h800", valid_from=dt.date(2024, 10, 7))
    assert old.valid_to == JUL
    event = AuditEvent.objects.get(verb="catalogue.ratecard.supersede")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["valid_to"], event.after["valid_to"]) == (None, "2026-07-01")


def test_a_second_card_overlapping_a_closed_one_is_still_refused(centre: DemoReport) -> None:
    do_save_rate_card(RateCardInput("h800", JUL, None, Decimal("18.00")), acting_user=None)
    with pytest.raises(RuleViolation, match="overlap"):
        do_save_rate_card(RateCardInput("h800", JAN, None, Decimal("19.00")), acting_user=None)
    assert list_price("h800", JUL) == Decimal("18.00")


def test_a_card_leaving_a_gap_is_refused(db: Any) -> None:
    do_save_rate_card(
        RateCardInput("h800", JAN, dt.date(2026, 3, 1), Decimal(20)), acting_user=None
    )
    with pytest.raises(RuleViolation, match="gap"):
        do_save_rate_card(RateCardInput("h800", JUL, None, Decimal(18)), acting_user=None)


def test_a_negative_dedicated_premium_is_refused(db: Any) -> None:
    with pytest.raises(RuleViolation) as caught:
        do_save_rate_card(
            RateCardInput("h800", JAN, None, Decimal(20), Decimal("-0.1")), acting_user=None
        )
    assert caught.value.field == "dedicated_premium"


def test_no_card_on_a_day_is_not_found_naming_chip_and_day(centre: DemoReport) -> None:
    with pytest.raises(NotFound, match="no rate card for h800 on 2020-01-01"):
        list_price("h800", dt.date(2020, 1, 1))
    with pytest.raises(NotFound):
        list_price("v100", JAN)


def test_dedicated_and_partition_premiums_add_to_the_list_price(centre: DemoReport) -> None:
    card = RateCard.objects.get(chip_id="h800")
    partition = Partition.objects.get(name="h800")
    assert price("h800", JAN) == Decimal("20.00")
    assert price("h800", JAN, dedicated=True) == Decimal("22.00")
    assert price("h800", JAN, partition=partition) == Decimal("20.00")
    PartitionPremium.objects.create(rate_card=card, partition=partition, premium=Decimal("0.05"))
    assert price("h800", JAN, partition=partition, dedicated=True) == Decimal("23.00")


def test_a_card_that_ended_gives_no_price_from_its_end_day(db: Any) -> None:
    do_save_rate_card(RateCardInput("h800", JAN, JUL, Decimal(20)), acting_user=None)
    assert list_price("h800", JUL - dt.timedelta(days=1)) == Decimal(20)
    with pytest.raises(NotFound):
        list_price("h800", JUL)


def test_premiums_round_to_the_cent_once(db: Any) -> None:
    do_save_rate_card(
        RateCardInput("br104", JAN, None, Decimal("10.35"), Decimal("0.125")), acting_user=None
    )
    assert price("br104", JAN, dedicated=True) == Decimal("11.64")  # 11.64375 half-up


def test_the_audit_row_records_the_price_before_and_after(centre: DemoReport) -> None:
    card = RateCard.objects.get(chip_id="h200")
    do_save_rate_card(
        RateCardInput("h200", card.valid_from, None, Decimal("30.00")), acting_user=None, card=card
    )
    event = AuditEvent.objects.filter(verb="catalogue.ratecard.change").get()
    assert event.before is not None
    assert event.after is not None
    assert (event.before["price"], event.after["price"]) == ("28.00", "30.00")
