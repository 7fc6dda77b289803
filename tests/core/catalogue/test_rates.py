import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.catalogue.rates import (
    HKD_PER_USD,
    RateSpan,
    check_rate_cards,
    price_on,
    reference_price,
    supersede,
)
from aisc.core.errors import NotFound, RuleViolation

JAN = dt.date(2026, 1, 1)
JUL = dt.date(2026, 7, 1)
DEC = dt.date(2026, 12, 31)


def span(start: dt.date, end: dt.date | None, price: str = "20", chip: str = "h800") -> RateSpan:
    return RateSpan(chip, start, end, Decimal(price))


def test_back_to_back_cards_and_one_open_ended_card_are_accepted() -> None:
    cards = [span(JUL, None, "18"), span(JAN, JUL, "20"), span(JAN, None, "10", chip="br104")]
    check_rate_cards(cards)
    assert price_on(cards, "h800", dt.date(2026, 6, 30)) == Decimal("20")
    assert price_on(cards, "h800", JUL) == Decimal("18")
    assert price_on(cards, "br104", DEC) == Decimal("10")


def test_overlapping_cards_are_refused_naming_both() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_rate_cards([span(JAN, dt.date(2026, 8, 1)), span(JUL, None)])
    assert caught.value.field == "valid_from"
    assert "overlap" in caught.value.message
    assert "2026-01-01 to 2026-08-01" in caught.value.message


def test_a_second_card_after_an_open_ended_one_is_an_overlap() -> None:
    with pytest.raises(RuleViolation, match="overlap"):
        check_rate_cards([span(JAN, None), span(JUL, None)])


def test_a_gap_between_cards_is_refused_with_the_fix() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_rate_cards([span(JAN, dt.date(2026, 6, 1)), span(JUL, None)])
    assert "gap" in caught.value.message
    assert "end one card on the day the next begins" in caught.value.message


def test_a_card_must_end_after_it_starts_and_cost_something() -> None:
    with pytest.raises(RuleViolation) as ends:
        check_rate_cards([span(JUL, JAN)])
    assert ends.value.field == "valid_to"
    with pytest.raises(RuleViolation) as free:
        check_rate_cards([span(JAN, None, "0")])
    assert free.value.field == "price"


def test_a_card_for_a_chip_outside_the_catalogue_is_refused() -> None:
    with pytest.raises(NotFound):
        check_rate_cards([span(JAN, None, chip="v100")])


def test_a_day_no_card_covers_has_no_price() -> None:
    with pytest.raises(NotFound) as caught:
        price_on([span(JUL, None)], "h800", JAN)
    assert "h800" in caught.value.message
    assert "2026-01-01" in caught.value.message


def test_reference_prices_follow_the_suggested_list_at_7_8_hkd_per_usd() -> None:
    assert Decimal("7.8") == HKD_PER_USD
    h800 = reference_price("h800")
    assert h800.hkd == Decimal("20.00")
    assert h800.usd == Decimal("2.56")
    assert reference_price("h200").hkd == Decimal("28.00")
    assert "midpoint" in reference_price("ascend910b").basis


def test_a_chip_with_no_suggested_price_gets_one_derived_from_throughput() -> None:
    br104 = reference_price("br104")
    assert br104.hkd == Decimal("10.35")  # 20 x 512 / 989.4
    assert br104.basis.startswith("derived")


def test_every_chip_has_a_positive_reference_price_with_its_basis() -> None:
    from aisc.core.catalogue.chips import CHIPS

    for code in CHIPS:
        ref = reference_price(code)
        assert ref.hkd > 0
        assert ref.basis
        assert ref.usd == (ref.hkd / HKD_PER_USD).quantize(Decimal("0.01"))


def test_a_10_node_year_at_the_h800_reference_price_costs_about_14_million() -> None:
    gpu_hours = 10 * 8 * 12 * 730
    assert reference_price("h800").hkd * gpu_hours == Decimal("14016000.00")  # domain-facts §4.2


def test_a_new_card_ends_the_open_ended_card_on_its_first_day() -> None:
    existing = [span(JAN, None, "20"), span(JAN, None, "10", chip="br104")]
    result = supersede(existing, span(JUL, None, "18"))
    assert result == [span(JAN, JUL, "20"), span(JAN, None, "10", chip="br104")]


def test_supersede_still_refuses_a_card_starting_before_the_open_one_or_leaving_a_gap() -> None:
    with pytest.raises(RuleViolation, match="overlap"):
        supersede([span(JUL, None)], span(JAN, None))
    with pytest.raises(RuleViolation, match="gap"):
        supersede([span(JAN, dt.date(2026, 3, 1))], span(JUL, None))
