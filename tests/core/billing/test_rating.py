"""Rating conserves GPU-seconds, groups by key and rounds each line once from exact seconds."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.billing.rating import ChargeLine, LineKey, Segment, UnitPrice, rate

D = Decimal
MARCH = dt.date(2026, 3, 30)
APRIL = dt.date(2026, 4, 1)


class StepPrices:
    """HK$20 per GPU-hour in March and HK$18 from April; 'ib' has a HK$2 premium; dedicated
    nodes HK$1 more (the figures of tests/core/billing/test_billing.py)."""

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        base = D("20") if day < APRIL else D("18")
        premium = (D("2") if partition == "ib" else D(0)) + (D(1) if dedicated else D(0))
        return UnitPrice(base, premium)


segments = st.lists(
    st.builds(
        Segment,
        project=st.sampled_from(["p1", "p2"]),
        chip=st.sampled_from(["h800", "a100"]),
        partition=st.sampled_from(["gpu", "ib"]),
        day=st.sampled_from([MARCH, APRIL]),
        gpu_seconds=st.integers(min_value=-3600, max_value=10**6),
        late=st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=200)
@given(segments, st.booleans())
def test_rating_keeps_every_gpu_second_of_every_project(
    segs: list[Segment], dedicated: bool
) -> None:
    lines = rate(segs, StepPrices(), dedicated=dedicated)
    for project in ("p1", "p2"):
        assert sum(ln.gpu_seconds for ln in lines if ln.key.project == project) == sum(
            s.gpu_seconds for s in segs if s.project == project
        )


@settings(max_examples=200)
@given(segments, st.booleans())
def test_rating_gives_one_sorted_line_per_key_and_none_for_a_zero_total(
    segs: list[Segment], dedicated: bool
) -> None:
    lines = rate(segs, StepPrices(), dedicated=dedicated)
    keys = [ln.key for ln in lines]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert all(ln.gpu_seconds != 0 for ln in lines)
    for ln in lines:
        price = StepPrices().price(ln.key.chip, ln.key.partition, MARCH, dedicated)
        assert ln.key.premium_price - price.premium == 0  # the premium never depends on the day


@settings(max_examples=200)
@given(st.integers(min_value=-(10**9), max_value=10**9), st.sampled_from(["20", "18.5", "0.01"]))
def test_a_line_amount_is_within_half_a_cent_of_its_exact_value(seconds: int, price: str) -> None:
    line = ChargeLine(LineKey("p", "h800", "gpu", D(price), False, D(price)), seconds)
    exact = D(seconds) * D(price) / 3600
    assert abs(line.list_amount - exact) <= D("0.005")
    assert line.premium_amount == line.list_amount  # same price, same rounding
    assert abs(line.gpu_hours - D(seconds) / 3600) <= D("0.00005")


@pytest.mark.parametrize(
    ("seconds", "price", "amount", "hours"),
    [
        (1, "20", "0.01", "0.0003"),  # 0.00555... -> 0.01; 0.000277... h -> 0.0003
        (90, "20", "0.50", "0.0250"),  # 90 s = 0.025 h, x 20 = 0.50 exactly
        (9, "20", "0.05", "0.0025"),  # 0.05 exactly
        (27, "20", "0.15", "0.0075"),  # 0.15 exactly
        (81, "0.10", "0.00", "0.0225"),  # 0.00225 -> 0.00
        (162, "0.10", "0.00", "0.0450"),  # 16.2 / 3600 = 0.0045 -> 0.00
        (18, "1", "0.01", "0.0050"),  # 18 / 3600 = 0.005 exactly: half a cent rounds up
        (-18, "1", "-0.01", "-0.0050"),  # a credit rounds away from zero, mirroring the charge
        (3600 * 24 * 31 * 8, "20", "119040.00", "5952.0000"),  # a node-month of March
    ],
)
def test_line_amounts_and_hours_as_worked_by_hand(
    seconds: int, price: str, amount: str, hours: str
) -> None:
    line = ChargeLine(LineKey("p", "h800", "gpu", D(price), False), seconds)
    assert line.list_amount == D(amount)
    assert line.gpu_hours == D(hours)
