"""Budget lines over any run of tranches, top-ups and exchanges: only released hours count,
an exchange moves exactly what it says, and nothing unspent can be exchanged twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.allocations import budget
from aisc.core.allocations.budget import BudgetLine
from aisc.core.catalogue.exchange import ThroughputRate, convert
from aisc.core.errors import InsufficientBalance, RuleViolation

D = Decimal
DAY = dt.date(2026, 12, 1)
RATES = [ThroughputRate("h800", DAY, D(1)), ThroughputRate("br104", DAY, D("0.5"))]
hours = st.integers(1, 10**8).map(lambda h: Decimal(h) / 100)
lines = st.lists(
    st.builds(
        BudgetLine,
        chip=st.sampled_from(["h800", "br104"]),
        gpu_hours=hours,
        released=st.booleans(),
        source=st.just("tranche"),
    ),
    max_size=8,
)
used = st.fixed_dictionaries({"h800": hours, "br104": hours})


@settings(max_examples=150)
@given(ls=lines, spent=used)
def test_remaining_is_released_less_used_and_granted_counts_unreleased_lines_too(
    ls: list[BudgetLine], spent: dict[str, Decimal]
) -> None:
    released, granted = budget.released_by_chip(ls), budget.granted_by_chip(ls)
    remaining = budget.remaining_by_chip(ls, spent)
    for chip in ("h800", "br104"):
        mine = [ln for ln in ls if ln.chip == chip]
        assert released.get(chip, D(0)) == sum((ln.gpu_hours for ln in mine if ln.released), D(0))
        assert granted.get(chip, D(0)) == sum((ln.gpu_hours for ln in mine), D(0))
        assert released.get(chip, D(0)) <= granted.get(chip, D(0))
        assert remaining[chip] == released.get(chip, D(0)) - spent[chip]  # may go below zero


@settings(max_examples=150)
@given(ls=lines, spent=used, share=st.integers(1, 100))
def test_an_exchange_moves_the_hours_asked_and_gains_their_converted_worth(
    ls: list[BudgetLine], spent: dict[str, Decimal], share: int
) -> None:
    before = budget.remaining_by_chip(ls, spent)
    left = before["h800"]
    if left <= 0:
        with pytest.raises(InsufficientBalance, match="can be exchanged"):
            budget.exchange(
                ls, spent, from_chip="h800", to_chip="br104", gpu_hours=D("0.01"), on=DAY,
                rates=RATES, source="exchange 1",
            )  # fmt: skip
        return
    asked = max(D("0.01"), (left * share / 100).quantize(D("0.01")))
    asked = min(asked, left)
    taken, gained = budget.exchange(
        ls, spent, from_chip="h800", to_chip="br104", gpu_hours=asked, on=DAY, rates=RATES,
        source="exchange 1",
    )  # fmt: skip
    assert (taken.chip, taken.gpu_hours, taken.released) == ("h800", -asked, True)
    assert (gained.chip, gained.gpu_hours) == ("br104", convert(asked, "h800", "br104", DAY, RATES))
    after = budget.remaining_by_chip([*ls, taken, gained], spent)
    assert after["h800"] == before["h800"] - asked
    assert after["br104"] == before["br104"] + gained.gpu_hours
    # What was exchanged is gone: asking for one more hundredth than is left now is refused.
    with pytest.raises(InsufficientBalance):
        budget.exchange(
            [*ls, taken, gained], spent, from_chip="h800", to_chip="br104",
            gpu_hours=after["h800"] + D("0.01"), on=DAY, rates=RATES, source="exchange 2",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("hours", "gained"),
    [
        ("100", "200.00"),  # an H800 hour does the work of two BR104 hours (factor 0.5)
        ("0.01", "0.02"),
        ("33.33", "66.66"),
    ],
)
def test_an_exchange_to_a_half_speed_chip_doubles_the_hours_as_worked_by_hand(
    hours: str, gained: str
) -> None:
    granted = budget.tranche_lines("h800", [(1, D(100), True)])
    _, line = budget.exchange(
        granted, {}, from_chip="h800", to_chip="br104", gpu_hours=D(hours), on=DAY, rates=RATES,
        source="x",
    )  # fmt: skip
    assert line.gpu_hours == D(gained)


@pytest.mark.parametrize(
    ("start", "end", "award", "field"),
    [
        (dt.date(2026, 1, 2), dt.date(2026, 1, 2), None, "end_date"),  # ends the day it starts
        (dt.date(2026, 1, 1), dt.date(2026, 6, 1), (dt.date(2026, 1, 2), None), "start_date"),
        (dt.date(2026, 1, 2), dt.date(2026, 6, 2), (None, dt.date(2026, 6, 1)), "end_date"),
    ],
)
def test_an_allocation_window_outside_its_award_is_refused_naming_the_date(
    start: dt.date,
    end: dt.date,
    award: tuple[dt.date | None, dt.date | None] | None,
    field: str,
) -> None:
    first, last = award or (None, None)
    with pytest.raises(RuleViolation) as err:
        budget.check_window(start, end, first, last)
    assert err.value.field == field


def test_a_window_exactly_the_awards_is_accepted() -> None:
    budget.check_window(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )


@pytest.mark.parametrize("value", ["0", "-0.01"])
def test_a_top_up_of_no_hours_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(RuleViolation, match="above zero") as err:
        budget.top_up("h800", D(value), "top-up 1")
    assert err.value.field == "gpu_hours"
