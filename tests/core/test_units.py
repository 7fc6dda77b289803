from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---- invariants of the one rounding rule and the one money type ---------------------------

# Amounts of up to a billion dollars with up to six decimal places, both signs.
amounts = st.decimals(
    min_value=Decimal("-1000000000"), max_value=Decimal("1000000000"), places=6
).filter(lambda d: d.is_finite())
cents = st.integers(-(10**11), 10**11).map(lambda c: Decimal(c) / 100)


@settings(max_examples=200)
@given(amounts)
def test_it_rounds_to_the_nearest_cent_and_never_moves_more_than_half_a_cent(x: Decimal) -> None:
    r = round_money(x)
    assert r == r.quantize(Decimal("0.01"))
    assert abs(r - x) <= Decimal("0.005")


@settings(max_examples=200)
@given(amounts)
def test_it_rounds_symmetrically_so_a_negated_amount_rounds_to_the_negated_cent(x: Decimal) -> None:
    # Half-up in Python's decimal rounds halves away from zero, so -x mirrors x exactly.
    assert round_money(-x) == -round_money(x)


@settings(max_examples=200)
@given(amounts)
def test_rounding_twice_is_the_same_as_rounding_once(x: Decimal) -> None:
    assert round_money(round_money(x)) == round_money(x)


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        ("0.004999", "0.00"),  # below the half cent: down
        ("0.005", "0.01"),  # exactly half: up (away from zero)
        ("0.015", "0.02"),  # half-up, not banker's rounding (which would give 0.02 too)
        ("0.025", "0.03"),  # banker's rounding would give 0.02: half-up gives 0.03
        ("2.675", "2.68"),  # the float 2.675 is 2.67499...; Decimal text is exact
        ("-0.025", "-0.03"),
        ("1234567.894999", "1234567.89"),
    ],
)
def test_it_rounds_half_up_as_worked_by_hand(raw: str, rounded: str) -> None:
    assert round_money(Decimal(raw)) == Decimal(rounded)
    assert Money(raw).amount == Decimal(rounded)


@settings(max_examples=200)
@given(cents, cents)
def test_adding_and_subtracting_whole_cents_is_exact(a: Decimal, b: Decimal) -> None:
    assert (Money(a) + Money(b)).amount == a + b
    assert (Money(a) + Money(b) - Money(b)).amount == a
    assert (-Money(a)).amount == -a


@settings(max_examples=200)
@given(cents, st.integers(0, 100).map(lambda p: Decimal(p) / 100))
def test_times_rounds_once_at_the_line_and_stays_within_half_a_cent(
    a: Decimal, factor: Decimal
) -> None:
    product = Money(a).times(factor).amount
    assert product == round_money(a * factor)
    assert abs(product - a * factor) <= Decimal("0.005")


@settings(max_examples=100)
@given(cents, cents)
def test_money_orders_as_its_amount(a: Decimal, b: Decimal) -> None:
    assert (Money(a) < Money(b)) == (a < b)
    assert (Money(a) == Money(b)) == (a == b)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("0", "HK$0.00"), ("-1234.5", "HK$-1,234.50"), ("1000000", "HK$1,000,000.00")],
)
def test_it_shows_money_with_thousands_separators_and_two_places(amount: str, shown: str) -> None:
    assert str(Money(amount)) == shown


@pytest.mark.parametrize(("value", "exact"), [(7, Decimal(7)), ("0.1", Decimal("0.1"))])
def test_it_keeps_ints_and_text_exact(value: int | str, exact: Decimal) -> None:
    assert to_decimal(value) == exact
    assert to_decimal(Decimal("0.1")) + to_decimal("0.2") == Decimal("0.3")  # no binary error


@settings(max_examples=200)
@given(st.integers(0, 10**8))
def test_hours_stored_to_the_cent_that_are_whole_minutes_convert_exactly(k: int) -> None:
    # Hours are stored with two places; 0.05 h is exactly 3 minutes, so k x 0.05 h is 3k minutes.
    assert gpu_hours_to_minutes(Decimal(k) * Decimal("0.05")) == 3 * k


@pytest.mark.parametrize(
    ("hours", "minutes"),
    [
        ("0.01", 0),  # 0.6 min: a partial minute is not granted
        ("0.02", 1),  # 1.2 min
        ("0.99", 59),  # 59.4 min
        ("1.50", 90),
        ("-0.01", -1),  # floor goes down for negatives; callers clamp at zero
    ],
)
def test_it_converts_stored_hours_to_minutes_as_worked_by_hand(hours: str, minutes: int) -> None:
    assert gpu_hours_to_minutes(hours) == minutes


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=10**7, places=4))
def test_gpu_minutes_never_exceed_the_hours_granted(hours: Decimal) -> None:
    minutes = gpu_hours_to_minutes(hours)
    assert Decimal(minutes) <= hours * 60 < Decimal(minutes + 1)


def test_a_float_is_refused_for_gpu_hours_too() -> None:
    with pytest.raises(TypeError, match="never floats"):
        gpu_hours_to_minutes(1.5)  # type: ignore[arg-type]
