"""Weighted totals and aggregates: on a 0-100 scale, monotone in every score, exact to the cent;
the aggregate's figures bracket each other whatever order the reviews come in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.grants.rubric import (
    DEFAULT_RUBRIC,
    Criterion,
    aggregate,
    parse_rubric,
    validate_rubric,
    weighted_total,
)

D = Decimal
CODES = [c.code for c in DEFAULT_RUBRIC]
scores = st.fixed_dictionaries({code: st.integers(0, 10) for code in CODES})


@st.composite
def rubrics(draw: st.DrawFn) -> tuple[Criterion, ...]:
    """Any rubric of 1-6 criteria whose whole-number weights sum to 100."""
    cuts = sorted(draw(st.sets(st.integers(1, 99), max_size=5)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return tuple(Criterion(f"c{i}", f"C{i}", "", w, "") for i, w in enumerate(weights))


@settings(max_examples=150)
@given(scores)
def test_the_default_weights_sum_to_100_and_totals_stay_on_the_0_to_100_scale(
    given_scores: dict[str, int],
) -> None:
    assert sum(c.weight for c in DEFAULT_RUBRIC) == 100
    total = weighted_total(DEFAULT_RUBRIC, given_scores)
    assert D(0) <= total <= D(100)
    # Whole-number weights times whole scores over 10: the total is exact, never rounded.
    assert total == D(sum(c.weight * given_scores[c.code] for c in DEFAULT_RUBRIC)) / 10


@settings(max_examples=150)
@given(rubric=rubrics(), data=st.data())
def test_raising_any_one_score_never_lowers_the_total(rubric: tuple[Criterion, ...], data) -> None:  # type: ignore[no-untyped-def]
    validate_rubric(rubric)
    marks = {c.code: data.draw(st.integers(0, 9)) for c in rubric}
    which = data.draw(st.sampled_from([c.code for c in rubric]))
    better = {**marks, which: marks[which] + 1}
    weight = next(c.weight for c in rubric if c.code == which)
    assert weighted_total(rubric, better) - weighted_total(rubric, marks) == D(weight) / 10
    assert weighted_total(rubric, dict.fromkeys(marks, 10)) == D(100)
    assert weighted_total(rubric, dict.fromkeys(marks, 0)) == D(0)


@settings(max_examples=150)
@given(st.lists(st.integers(0, 10_000).map(lambda t: Decimal(t) / 100), min_size=1, max_size=9))
def test_an_aggregate_brackets_its_mean_and_ignores_the_order_of_the_reviews(
    totals: list[Decimal],
) -> None:
    agg = aggregate(totals)
    assert agg is not None
    assert agg.count == len(totals)
    assert agg.low <= agg.mean <= agg.high
    assert agg.spread == agg.high - agg.low >= 0
    assert agg.stdev <= agg.spread  # a population deviation never exceeds the range
    if agg.spread == 0:
        assert agg.stdev == 0  # reviewers who agree show no spread at all
    assert aggregate(list(reversed(totals))) == agg


@pytest.mark.parametrize(
    ("totals", "mean", "stdev"),
    [
        (["60", "80"], "70.00", "10.00"),  # deviations of 10 each side
        (["70", "70", "70"], "70.00", "0.00"),
        (["50", "60", "61"], "57.00", "4.97"),  # variance (49 + 9 + 16) / 3 = 24.67; root 4.967
        (["33.33", "33.33", "33.34"], "33.33", "0.00"),  # 33.3333 -> 33.33; stdev 0.0047 -> 0.00
    ],
)
def test_the_aggregate_as_worked_by_hand(totals: list[str], mean: str, stdev: str) -> None:
    agg = aggregate([D(t) for t in totals])
    assert agg is not None
    assert (agg.mean, agg.stdev) == (D(mean), D(stdev))


@pytest.mark.parametrize(
    ("rows", "rule"),
    [
        ([], "at least one criterion"),
        (
            [
                {"code": "a", "name_en": "A", "weight": 60},
                {"code": "a", "name_en": "B", "weight": 40},
            ],
            "unique",
        ),
        (
            [
                {"code": "a", "name_en": "A", "weight": 100},
                {"code": "b", "name_en": "B", "weight": 0},
            ],
            "positive",
        ),
        ([{"code": "a", "name_en": "A", "weight": 99}], "sum to 100 (they sum to 99)"),
        ([{"code": "a", "name_en": "A", "weight": "heavy"}], "whole-number weight"),
        ([{"code": "a", "weight": 100}], "English name"),
    ],
)
def test_a_stored_rubric_that_breaks_a_rule_is_refused_naming_it(
    rows: list[dict[str, object]], rule: str
) -> None:
    with pytest.raises(RuleViolation, match=rule.replace("(", r"\(").replace(")", r"\)")) as err:
        parse_rubric(rows)
    assert err.value.field == "rubric"


@settings(max_examples=100)
@given(rubrics())
def test_any_rubric_round_trips_through_its_stored_rows(rubric: tuple[Criterion, ...]) -> None:
    assert parse_rubric([c.as_dict() for c in rubric]) == rubric
