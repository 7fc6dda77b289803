"""The capacity guard: commitments per month and chip stay within capacity x overbooking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.allocations import capacity
from aisc.core.allocations.capacity import Commitment, MonthRow
from aisc.core.errors import RuleViolation

D = Decimal


def test_hours_are_spread_over_months_in_proportion_to_days() -> None:
    c = Commitment("p1", "h800", D(620), dt.date(2026, 12, 22), dt.date(2027, 1, 21))
    assert capacity.spread(c) == {(2026, 12): D("200.00"), (2027, 1): D("420.00")}


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    c = Commitment("p1", "h800", D(1), dt.date(2026, 12, 2), dt.date(2026, 12, 1))
    with pytest.raises(RuleViolation, match="p1: the period ends before it starts"):
        capacity.spread(c)


def test_the_report_has_a_row_per_month_and_chip_with_capacity_limit_and_commitment() -> None:
    c = Commitment("p1", "h800", D(2232), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    rows = capacity.report([c], {"h800": 3, "br104": 1}, D("1.5"), [(2026, 12), (2027, 1)])
    assert rows[0] == MonthRow((2026, 12), "br104", D(744), D("1116.00"), D(0))
    assert rows[1] == MonthRow((2026, 12), "h800", D(2232), D("3348.00"), D("2232.00"))
    assert rows[1].utilisation == D("0.667")
    assert not rows[1].over
    assert rows[3].committed_hours == 0


def test_utilisation_of_a_chip_without_capacity_is_zero_or_infinite() -> None:
    assert MonthRow((2026, 1), "a100", D(0), D(0), D(0)).utilisation == 0
    assert MonthRow((2026, 1), "a100", D(0), D(0), D(5)).utilisation == D("Infinity")


def test_an_allocation_larger_than_capacity_is_refused_naming_the_month() -> None:
    existing = [Commitment("p1", "h800", D(700), dt.date(2026, 12, 1), dt.date(2026, 12, 31))]
    new = Commitment("p2", "h800", D(100), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    capacity.check(new, existing, {"h800": 1}, D("1.1"))  # 800 <= 744 x 1.1 = 818.4
    with pytest.raises(RuleViolation, match=r"p2: 800\.00 h800 GPU-hours .* 2026-12") as info:
        capacity.check(new, existing, {"h800": 1}, D(1))
    assert info.value.field == "gpu_hours"


def test_other_chips_over_their_limit_do_not_block_a_new_commitment() -> None:
    existing = [Commitment("p1", "br104", D(9999), dt.date(2026, 12, 1), dt.date(2026, 12, 31))]
    new = Commitment("p2", "h800", D(1), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    capacity.check(new, existing, {"h800": 1, "br104": 1}, D(1))
    assert capacity.report(existing, {"br104": 1}, D(1), [(2026, 12)])[0].over


def test_the_overbooking_factor_must_be_positive() -> None:
    new = Commitment("p2", "h800", D(1), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    with pytest.raises(RuleViolation, match="overbooking") as info:
        capacity.check(new, [], {"h800": 1}, D(0))
    assert info.value.field == "overbooking"


@pytest.mark.parametrize("inventory", [{}, {"br104": 4}, {"h800": 0}])
def test_a_chip_without_nodes_can_be_allocated_nothing_and_the_refusal_names_it(
    inventory: dict[str, int],
) -> None:
    new = Commitment("p2", "h800", D(1), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    with pytest.raises(RuleViolation, match="p2: the catalogue has no h800 nodes") as info:
        capacity.check(new, [], inventory, D("1.5"))
    assert info.value.field == "chip"
    assert "record h800 nodes in the catalogue first" in info.value.message


def test_a_commitment_of_no_hours_needs_no_nodes() -> None:
    nothing = Commitment("p2", "h800", D(0), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    capacity.check(nothing, [], {}, D(1))
    assert capacity.report([nothing], {}, D(1), [(2026, 12)])[0].committed_hours == 0
