"""Erlang C: a probability, rho for one server, rising with load, falling with more servers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.simulation.queueing import erlang_c, mmc_mean_wait

loads = st.floats(0.0, 0.999)


@settings(max_examples=200)
@given(c=st.integers(1, 300), rho=loads)
def test_erlang_c_is_a_probability(c: int, rho: float) -> None:
    assert 0.0 <= erlang_c(c, rho * c) <= 1.0


@settings(max_examples=200)
@given(rho=loads)
def test_with_one_server_the_chance_of_waiting_is_the_utilisation(rho: float) -> None:
    assert erlang_c(1, rho) == pytest.approx(rho)
    # M/M/1: Wq = rho / (mu - lambda); with mu = 1, Wq = rho / (1 - rho).
    assert mmc_mean_wait(1, rho, 1.0) == pytest.approx(rho / (1 - rho))


@settings(max_examples=200)
@given(c=st.integers(1, 100), a=loads, b=loads)
def test_more_load_on_the_same_servers_never_waits_less(c: int, a: float, b: float) -> None:
    low, high = sorted((a * c, b * c))
    assert erlang_c(c, low) <= erlang_c(c, high) + 1e-12


@settings(max_examples=200)
@given(c=st.integers(1, 100), a=st.floats(0.0, 0.999))
def test_one_more_server_for_the_same_load_never_waits_more(c: int, a: float) -> None:
    offered = a * c
    assert erlang_c(c + 1, offered) <= erlang_c(c, offered) + 1e-12


@pytest.mark.parametrize(
    ("c", "a", "p"),
    [
        (2, 1.0, 1 / 3),  # (1/2)/(1/2) = 1 over (1 + 1) + 1 = 3
        (2, 0.0, 0.0),  # no load, no waiting
        (3, 2.0, 4 / 9),  # top (8/6)/(1/3) = 4; below 1 + 2 + 2 = 5: 4 / 9
    ],
)
def test_erlang_c_as_worked_by_hand(c: int, a: float, p: float) -> None:
    assert erlang_c(c, a) == pytest.approx(p)


@pytest.mark.parametrize(("c", "a"), [(0, 0.0), (2, 2.0), (2, -0.1), (4, 4.5)])
def test_an_unstable_or_impossible_queue_is_refused_naming_the_load(c: int, a: float) -> None:
    with pytest.raises(RuleViolation, match=f"c={c}, a={a}") as err:
        erlang_c(c, a)
    assert err.value.field == "offered"
