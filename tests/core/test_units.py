from decimal import Decimal

import pytest

from aisc.core.units import Money, Pflops, gpu_hours_to_minutes, round_money, to_decimal


def test_it_rounds_money_half_up_to_the_cent_once() -> None:
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("-0.005")) == Decimal("-0.01")
    assert Money("10.004").amount == Decimal("10.00")


def test_it_refuses_floats_for_money() -> None:
    with pytest.raises(TypeError, match="never floats"):
        to_decimal(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity"])
def test_it_refuses_text_that_is_not_a_finite_number(raw: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        to_decimal(raw)


def test_it_adds_subtracts_negates_and_multiplies_money() -> None:
    a, b = Money("10.10"), Money(3)
    assert (a + b).amount == Decimal("13.10")
    assert (a - b).amount == Decimal("7.10")
    assert (-a).amount == Decimal("-10.10")
    assert a.times("0.7").amount == Decimal("7.07")
    assert Money.zero().amount == Decimal("0.00")
    assert str(Money("1234.5")) == "HK$1,234.50"
    assert Money(1) < Money(2)


def test_it_names_the_basis_of_pflops() -> None:
    assert str(Pflops(1300.04, "BF16 dense")) == "1,300.0 PFLOPS BF16 dense"


def test_it_floors_gpu_hours_to_whole_minutes() -> None:
    assert gpu_hours_to_minutes("1.999") == 119
    assert gpu_hours_to_minutes(2) == 120
