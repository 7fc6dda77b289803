import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import InsufficientBalance, RuleViolation
from aisc.core.grants.subsidy import (
    SubsidyRules,
    check_call_budget,
    check_commitment,
    check_rate,
    subsidy_cost,
)
from aisc.core.units import Money

RULES = SubsidyRules()


def test_the_default_rules_are_70_normally_and_90_exceptionally() -> None:
    assert (RULES.default_rate, RULES.max_rate, RULES.exceptional_max_rate) == (
        Decimal("0.70"),
        Decimal("0.70"),
        Decimal("0.90"),
    )


def test_it_accepts_70_percent_without_a_reason() -> None:
    check_rate(RULES, Decimal("0.70"), "")


def test_it_refuses_above_70_percent_without_a_reason() -> None:
    with pytest.raises(RuleViolation, match="above 70% needs a recorded exceptional reason") as e:
        check_rate(RULES, Decimal("0.80"), "   ")
    assert e.value.field == "exceptional_reason"


def test_it_accepts_up_to_90_percent_with_a_reason() -> None:
    check_rate(RULES, Decimal("0.90"), "first local medical LLM")


@pytest.mark.parametrize("rate", ["0", "0.91", "-0.1"])
def test_it_refuses_a_rate_outside_the_exceptional_maximum(rate: str) -> None:
    with pytest.raises(RuleViolation, match="at most 90%") as e:
        check_rate(RULES, Decimal(rate), "a reason")
    assert e.value.field == "subsidy_rate"


def test_it_refuses_rules_whose_default_is_above_the_maximum() -> None:
    with pytest.raises(RuleViolation) as e:
        SubsidyRules(default_rate=Decimal("0.8"))
    assert e.value.field == "default_rate"


def test_it_refuses_an_exceptional_maximum_below_the_normal_one() -> None:
    with pytest.raises(RuleViolation) as e:
        SubsidyRules(exceptional_max_rate=Decimal("0.6"))
    assert e.value.field == "exceptional_max_rate"


def test_the_cost_is_hours_times_price_times_rate_rounded_once() -> None:
    # A node-month (5,840 GPU-h) at HK$20 under 70 %: the scheme pays HK$81,760 (facts §4.2).
    assert subsidy_cost(Decimal(5840), Decimal(20), Decimal("0.70")) == Money("81760")
    assert subsidy_cost(Decimal("1.333"), Decimal("20"), Decimal("0.7")) == Money("18.66")


def test_a_call_budget_must_fit_what_the_fund_has_left() -> None:
    check_call_budget(Money(100), Money(300), Money(200))
    with pytest.raises(InsufficientBalance, match="left uncommitted") as e:
        check_call_budget(Money(101), Money(300), Money(200))
    assert e.value.field == "budget"


def test_a_call_budget_must_be_positive() -> None:
    with pytest.raises(RuleViolation, match="positive"):
        check_call_budget(Money(0), Money(300), Money(0))


def test_an_award_cannot_commit_more_than_the_call_has_left() -> None:
    check_commitment(Money(50), Money(100), Money(50))
    with pytest.raises(InsufficientBalance, match=r"has only HK\$49\.00 left") as e:
        check_commitment(Money(50), Money(100), Money(51))
    assert e.value.field == "gpus"


hours = st.integers(0, 10**9).map(lambda h: Decimal(h) / 100)
money = st.integers(0, 10**11).map(lambda c: Money(Decimal(c) / 100))


@settings(max_examples=150)
@given(
    gpu_hours=hours,
    price=st.integers(1, 10_000).map(lambda c: Decimal(c) / 100),
    rate=st.integers(1, 90).map(lambda p: Decimal(p) / 100),
)
def test_the_cost_is_within_half_a_cent_of_the_exact_product_and_never_above_the_list(
    gpu_hours: Decimal, price: Decimal, rate: Decimal
) -> None:
    exact = gpu_hours * price * rate
    cost = subsidy_cost(gpu_hours, price, rate)
    assert abs(cost.amount - exact) <= Decimal("0.005")
    assert cost <= Money(gpu_hours * price)  # the fund never pays more than the list price


@settings(max_examples=150)
@given(budget=money, committed=money, cost=money)
def test_a_commitment_is_refused_exactly_when_it_costs_more_than_the_call_has_left(
    budget: Money, committed: Money, cost: Money
) -> None:
    if cost <= budget - committed:
        check_commitment(cost, budget, committed)
        return
    with pytest.raises(InsufficientBalance, match=re.escape(f"costs {cost} but")) as err:
        check_commitment(cost, budget, committed)
    assert err.value.field == "gpus"


@settings(max_examples=150)
@given(
    rate=st.integers(-10, 110).map(lambda p: Decimal(p) / 100),
    reason=st.sampled_from(["", "  ", "strategic"]),
)
def test_a_rate_is_accepted_exactly_inside_the_rules(rate: Decimal, reason: str) -> None:
    ok = Decimal(0) < rate <= Decimal("0.90") and (rate <= Decimal("0.70") or reason.strip())
    if ok:
        check_rate(RULES, rate, reason)
        return
    with pytest.raises(RuleViolation) as err:
        check_rate(RULES, rate, reason)
    in_range = Decimal(0) < rate <= Decimal("0.90")
    assert err.value.field == ("exceptional_reason" if in_range else "subsidy_rate")
