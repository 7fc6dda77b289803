"""Ranking against the call budget: a strict, deterministic order and a greedy funding line."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.grants.ranking import Candidate, rank
from aisc.core.units import Money

D = Decimal
candidates = st.lists(
    st.builds(
        Candidate,
        key=st.integers(0, 10**6),
        score=st.none() | st.integers(0, 10_000).map(lambda s: Decimal(s) / 100),
        cost=st.integers(0, 10**9).map(lambda c: Money(Decimal(c) / 100)),
    ),
    max_size=20,
    unique_by=lambda c: c.key,
)
budgets = st.integers(0, 10**10).map(lambda c: Money(Decimal(c) / 100))


@settings(max_examples=150)
@given(cs=candidates, budget=budgets, seed=st.integers(0, 2**32))
def test_the_ranking_does_not_depend_on_the_order_applications_are_listed(
    cs: list[Candidate], budget: Money, seed: int
) -> None:
    shuffled = list(cs)
    random.Random(seed).shuffle(shuffled)
    assert rank(shuffled, budget) == rank(cs, budget)


@settings(max_examples=150)
@given(cs=candidates, budget=budgets)
def test_ranks_run_from_one_scored_best_first_and_ties_go_to_the_cheaper_then_older(
    cs: list[Candidate], budget: Money
) -> None:
    ranked = rank(cs, budget)
    assert [r.rank for r in ranked] == list(range(1, len(cs) + 1))
    assert sorted(r.key for r in ranked) == sorted(c.key for c in cs)
    keys = [
        (r.score is None, -(r.score if r.score is not None else D(0)), r.cost.amount, r.key)
        for r in ranked
    ]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)  # the key settles every tie: the order is strict


@settings(max_examples=150)
@given(cs=candidates, budget=budgets)
def test_the_funding_line_is_greedy_and_never_passes_the_budget(
    cs: list[Candidate], budget: Money
) -> None:
    funded = Money.zero()
    for r in rank(cs, budget):
        # Each application is funded exactly when it fits in what is left at its turn.
        assert r.within_budget == (funded + r.cost <= budget)
        if r.within_budget:
            funded = funded + r.cost
        assert r.cumulative == funded
        assert r.cumulative <= budget


@settings(max_examples=150)
@given(cs=candidates, budget=budgets, extra=budgets)
def test_a_larger_budget_never_unfunds_the_top_application(
    cs: list[Candidate], budget: Money, extra: Money
) -> None:
    before, after = rank(cs, budget), rank(cs, budget + extra)
    if before and before[0].within_budget:
        assert after[0].within_budget


def test_a_cheaper_application_below_one_that_did_not_fit_is_still_funded() -> None:
    # Budget 100: A (90 pts, 60) fits, 40 left; B (80 pts, 50) does not; C (70 pts, 40) does.
    ranked = rank(
        [
            Candidate(3, D("70"), Money(40)),
            Candidate(2, D("80"), Money(50)),
            Candidate(1, D("90"), Money(60)),
        ],
        Money(100),
    )
    assert [(r.key, r.within_budget, r.cumulative.amount) for r in ranked] == [
        (1, True, D("60.00")),
        (2, False, D("60.00")),
        (3, True, D("100.00")),
    ]


@pytest.mark.parametrize(
    ("a", "b", "first"),
    [
        ((1, "80", "100"), (2, "80", "50"), 2),  # same score: the cheaper
        ((1, "80", "50"), (2, "80", "50"), 1),  # same score and cost: the older (lower key)
        ((1, None, "1"), (2, "0", "999"), 2),  # any score ranks above no score yet
        ((1, "79.99", "1"), (2, "80", "999"), 2),  # a higher score whatever it costs
        ((2, None, "5"), (1, None, "5"), 1),  # two unscored: cost, then key
    ],
)
def test_ties_are_settled_as_worked_by_hand(
    a: tuple[int, str | None, str], b: tuple[int, str | None, str], first: int
) -> None:
    def cand(row: tuple[int, str | None, str]) -> Candidate:
        key, score, cost = row
        return Candidate(key, None if score is None else D(score), Money(cost))

    assert rank([cand(a), cand(b)], Money(0))[0].key == first
