"""Tranche plans: the tranches always add up to the award, to the hundredth of a GPU-hour."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.grants.tranches import DEFAULT_PLAN, TrancheSpec, parse_plan, split_hours

D = Decimal
hours = st.integers(0, 10**10).map(lambda h: Decimal(h) / 100)


@st.composite
def plans(draw: st.DrawFn) -> tuple[TrancheSpec, ...]:
    """Any plan of 1-5 tranches whose fractions, in hundredths, sum to exactly 1."""
    cuts = sorted(draw(st.sets(st.integers(1, 99), max_size=4)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return tuple(TrancheSpec(Decimal(p) / 100, f"t{i}") for i, p in enumerate(parts))


@settings(max_examples=200)
@given(total=hours, plan=plans())
def test_the_tranches_add_up_to_the_award_and_each_is_its_fraction_to_the_hundredth(
    total: Decimal, plan: tuple[TrancheSpec, ...]
) -> None:
    parts = split_hours(total, plan)
    assert len(parts) == len(plan)
    assert sum(parts, D(0)) == total
    for part, spec in zip(parts[:-1], plan[:-1], strict=True):
        assert D(0) <= spec.fraction * total - part < D("0.01")  # rounded down, never up
    # The last takes what the others' rounding left: at least its share, and under a
    # hundredth more per earlier tranche.
    owed = plan[-1].fraction * total
    assert owed <= parts[-1] < owed + D("0.01") * len(plan)


@pytest.mark.parametrize(
    ("total", "fractions", "parts"),
    [
        ("1000", ["0.5", "0.5"], ["500.00", "500"]),
        ("0.01", ["0.5", "0.5"], ["0.00", "0.01"]),  # the odd hundredth goes to the last
        ("100", ["0.33", "0.33", "0.34"], ["33.00", "33.00", "34"]),
        ("100.01", ["0.33", "0.33", "0.34"], ["33.00", "33.00", "34.01"]),  # 33.0033 -> 33.00
        ("999.99", ["0.25", "0.75"], ["249.99", "750.00"]),  # 249.9975 -> 249.99
    ],
)
def test_split_hours_as_worked_by_hand(total: str, fractions: list[str], parts: list[str]) -> None:
    plan = tuple(TrancheSpec(D(f), "c") for f in fractions)
    assert split_hours(D(total), plan) == [D(p) for p in parts]


@pytest.mark.parametrize(
    ("rows", "rule"),
    [
        ([], "at least one tranche"),
        ([{"fraction": "0.5"}, {"fraction": "0.4"}], r"sum to 1 \(they sum to 0.9\)"),
        ([{"fraction": "0"}, {"fraction": "1"}], "above 0 and at most 1"),
        ([{"fraction": "1.5"}, {"fraction": "-0.5"}], "above 0 and at most 1"),
        ([{"fraction": "half"}], "needs a fraction"),
        ([{"condition": "at start"}], "needs a fraction"),
        ([{"fraction": 0.1}, {"fraction": 0.2}, {"fraction": 0.7}], None),  # floats read as text
    ],
)
def test_a_stored_plan_is_checked_naming_the_rule(
    rows: list[dict[str, object]], rule: str | None
) -> None:
    if rule is None:
        assert sum(t.fraction for t in parse_plan(rows)) == 1
        return
    with pytest.raises(RuleViolation, match=rule) as err:
        parse_plan(rows)
    assert err.value.field == "tranche_plan"


def test_the_default_plan_releases_half_at_start_and_half_after_a_report() -> None:
    assert split_hours(D("12345.67"), DEFAULT_PLAN) == [D("6172.83"), D("6172.84")]
    assert parse_plan(
        [{"fraction": t.fraction, "condition": t.condition} for t in DEFAULT_PLAN]
    ) == (DEFAULT_PLAN)


def test_splitting_with_a_broken_plan_is_refused_before_any_hours_are_split() -> None:
    with pytest.raises(RuleViolation, match="sum to 1"):
        split_hours(D("100"), (TrancheSpec(D("0.6"), "a"), TrancheSpec(D("0.6"), "b")))


def test_a_tranche_waits_for_the_award_start_date_and_is_released_on_or_after_it() -> None:
    from datetime import date

    from aisc.core.grants.tranches import waits_until

    start = date(2027, 1, 1)
    assert waits_until(start, date(2026, 12, 31)) == start
    assert waits_until(start, start) is None
    assert waits_until(start, date(2027, 3, 1)) is None
