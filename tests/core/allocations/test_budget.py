"""Budget lines: only released hours count; top-ups and exchanges are checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.allocations import budget
from aisc.core.allocations.budget import BudgetLine
from aisc.core.catalogue.exchange import ThroughputRate
from aisc.core.errors import InsufficientBalance, NotFound, RuleViolation

D = Decimal
DAY = dt.date(2026, 12, 1)
RATES = [ThroughputRate("h800", DAY, D(1)), ThroughputRate("br104", DAY, D("0.5"))]


def lines() -> list[BudgetLine]:
    return budget.tranche_lines("h800", [(1, D(600), True), (2, D(400), False)])


def test_only_released_tranches_count_towards_the_budget() -> None:
    assert budget.released_by_chip(lines()) == {"h800": D(600)}
    assert budget.granted_by_chip(lines()) == {"h800": D(1000)}


def test_remaining_hours_are_released_minus_used_per_chip() -> None:
    assert budget.remaining_by_chip(lines(), {"h800": D(250), "br104": D(1)}) == {
        "h800": D(350),
        "br104": D(-1),
    }


def test_a_top_up_is_a_released_line_on_a_known_chip() -> None:
    assert budget.top_up("br104", D(10), "top-up 1") == BudgetLine("br104", D(10), True, "top-up 1")
    with pytest.raises(NotFound, match="h999"):
        budget.top_up("h999", D(10), "top-up 2")
    with pytest.raises(RuleViolation, match="above zero") as info:
        budget.top_up("h800", D(0), "top-up 3")
    assert info.value.field == "gpu_hours"


def test_an_exchange_moves_unspent_hours_at_the_rate_in_force() -> None:
    taken, given = budget.exchange(
        lines(), {"h800": D(100)}, from_chip="h800", to_chip="br104", gpu_hours=D(100),
        on=DAY, rates=RATES, source="exchange 1",
    )  # fmt: skip
    assert taken == BudgetLine("h800", D(-100), True, "exchange 1")
    assert given == BudgetLine("br104", D("200.00"), True, "exchange 1")
    assert budget.released_by_chip([*lines(), taken, given]) == {"h800": D(500), "br104": D(200)}


def test_an_exchange_of_more_than_is_left_is_refused() -> None:
    with pytest.raises(InsufficientBalance, match="only 100 released, unspent h800") as info:
        budget.exchange(
            lines(), {"h800": D(500)}, from_chip="h800", to_chip="br104", gpu_hours=D(101),
            on=DAY, rates=RATES, source="x",
        )  # fmt: skip
    assert info.value.field == "gpu_hours"


def test_an_exchange_to_the_same_chip_is_refused() -> None:
    with pytest.raises(RuleViolation, match="two different chips"):
        budget.exchange(
            lines(), {}, from_chip="h800", to_chip="h800", gpu_hours=D(1), on=DAY,
            rates=RATES, source="x",
        )  # fmt: skip


def test_allocation_dates_must_run_forwards_and_lie_inside_the_award() -> None:
    budget.check_window(DAY, DAY + dt.timedelta(days=30), DAY, DAY + dt.timedelta(days=30))
    budget.check_window(DAY, DAY + dt.timedelta(days=1), None, None)
    with pytest.raises(RuleViolation, match="must be after the start") as info:
        budget.check_window(DAY, DAY, None, None)
    assert info.value.field == "end_date"
    with pytest.raises(RuleViolation, match="before the award starts") as info:
        budget.check_window(DAY, DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=1), None)
    assert info.value.field == "start_date"
    with pytest.raises(RuleViolation, match="after the award ends"):
        budget.check_window(DAY, DAY + dt.timedelta(days=3), None, DAY + dt.timedelta(days=2))


def test_an_unknown_chip_in_an_exchange_is_refused_under_the_field_that_names_it() -> None:
    for from_chip, to_chip, field in (("h999", "br104", "chip"), ("h800", "h999", "to_chip")):
        with pytest.raises(NotFound, match="h999") as info:
            budget.exchange(
                lines(), {}, from_chip=from_chip, to_chip=to_chip, gpu_hours=D(1),
                on=DAY, rates=RATES, source="x",
            )  # fmt: skip
        assert info.value.field == field
