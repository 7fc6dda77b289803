"""The subsidy split of one line: hand-worked rows, and the invariants of corrections."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.billing.split import Terms, split_line
from aisc.core.errors import RuleViolation
from aisc.core.units import round_money

D = Decimal
BIG_CAP = D("1000000.00")
cents = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=100).map(lambda p: Decimal(p) / 100)


@pytest.mark.parametrize(
    ("amount", "rate", "fund", "grantee"),
    [
        ("0.01", "0.70", "0.01", "0.00"),  # 0.007 -> 0.01: the fund pays the whole cent
        ("0.03", "0.70", "0.02", "0.01"),  # 0.021 -> 0.02
        ("0.05", "0.70", "0.04", "0.01"),  # 0.035 -> 0.04 (half up)
        ("0.05", "0.90", "0.05", "0.00"),  # 0.045 -> 0.05
        ("0.05", "0.00", "0.00", "0.05"),  # no subsidy
        ("0.05", "1.00", "0.05", "0.00"),  # full subsidy
        ("1234.57", "0.70", "864.20", "370.37"),  # 864.199 -> 864.20
        ("-0.05", "0.70", "-0.04", "-0.01"),  # -0.035 -> -0.04 (away from zero), cap used 1.00
    ],
)
def test_it_splits_lines_as_worked_by_hand(amount: str, rate: str, fund: str, grantee: str) -> None:
    s = split_line(D(amount), Terms(D(rate), BIG_CAP), D("1.00"))
    assert (s.fund_share, s.grantee_share, s.capped) == (D(fund), D(grantee), False)


@pytest.mark.parametrize(
    ("cap", "used", "fund", "capped"),
    [
        ("100.00", "29.99", "70.00", False),  # room 70.01 >= 70.00
        ("100.00", "30.00", "70.00", False),  # room exactly 70.00: not cut
        ("100.00", "30.01", "69.99", True),  # room 69.99
        ("100.00", "100.00", "0.00", True),
        ("100.00", "150.00", "0.00", True),  # over-used (the cap was lowered): no room, never < 0
        ("0.00", "0.00", "0.00", True),  # an award without a cap budget pays nothing
    ],
)
def test_the_cap_cuts_a_100_dollar_line_at_70_percent_as_worked_by_hand(
    cap: str, used: str, fund: str, capped: bool
) -> None:
    s = split_line(D("100.00"), Terms(D("0.70"), D(cap)), D(used))
    assert (s.fund_share, s.capped) == (D(fund), capped)
    assert s.grantee_share == D("100.00") - D(fund)


@pytest.mark.parametrize(("rate", "cap"), [("0", "0"), ("1", "0"), ("0.9", "1e12")])
def test_terms_at_the_ends_of_their_range_are_accepted(rate: str, cap: str) -> None:
    assert Terms(D(rate), D(cap)).rate == D(rate)


@pytest.mark.parametrize(
    ("rate", "cap", "field", "rule"),
    [
        ("-0.01", "0", "subsidy_rate", "between 0 and 1"),
        ("1.01", "0", "subsidy_rate", "between 0 and 1"),
        ("0.7", "-0.01", "subsidy_cap", "not be negative"),
    ],
)
def test_terms_just_outside_their_range_are_refused_naming_the_field_and_rule(
    rate: str, cap: str, field: str, rule: str
) -> None:
    with pytest.raises(RuleViolation, match=rule) as err:
        Terms(D(rate), D(cap))
    assert err.value.field == field


@settings(max_examples=200)
@given(amount=cents, rate=rates, cap=cents, used=cents)
def test_a_positive_line_splits_into_two_shares_neither_below_zero(
    amount: Decimal, rate: Decimal, cap: Decimal, used: Decimal
) -> None:
    s = split_line(amount, Terms(rate, cap), used)
    assert D(0) <= s.fund_share <= amount
    assert D(0) <= s.grantee_share <= amount
    # Capped says exactly whether the cap cut the fund's share below its rate.
    assert s.capped == (s.fund_share < round_money(rate * amount))


@settings(max_examples=200)
@given(amount=cents, rate=rates, used=cents)
def test_a_credit_splits_into_two_shares_neither_above_zero_nor_beyond_the_cap_used(
    amount: Decimal, rate: Decimal, used: Decimal
) -> None:
    s = split_line(-amount, Terms(rate, BIG_CAP), used)
    assert -amount <= s.fund_share <= D(0)
    assert -amount <= s.grantee_share <= D(0)
    assert -s.fund_share <= used  # never gives back more subsidy than was used
    assert not s.capped


@settings(max_examples=200)
@given(amount=cents, rate=rates, cap=cents, used=cents)
def test_a_line_reversed_while_uncapped_nets_to_zero_and_gives_the_cap_back(
    amount: Decimal, rate: Decimal, cap: Decimal, used: Decimal
) -> None:
    terms = Terms(rate, cap + used)  # room = cap, so part of the line may be cut
    charge = split_line(amount, terms, used)
    credit = split_line(-amount, terms, used + charge.fund_share)
    if not charge.capped:
        assert charge.fund_share + credit.fund_share == 0
        assert charge.grantee_share + credit.grantee_share == 0
    # Either way the credit never takes the cap used below zero.
    assert used + charge.fund_share + credit.fund_share >= 0


@settings(max_examples=200)
@given(amount=cents, used=cents)
def test_a_commercial_line_is_never_subsidised_whatever_was_used(
    amount: Decimal, used: Decimal
) -> None:
    for line in (amount, -amount):
        s = split_line(line, None, used)
        assert (s.fund_share, s.grantee_share, s.capped) == (D(0), line, False)


@settings(max_examples=100)
@given(amount=cents, rate=rates, cap=cents)
def test_a_zero_line_costs_nobody_anything(amount: Decimal, rate: Decimal, cap: Decimal) -> None:
    s = split_line(D("0.00"), Terms(rate, cap), amount)
    assert (s.fund_share, s.grantee_share, s.capped) == (D(0), D(0), False)


def test_a_credit_after_the_cap_first_cancels_the_usage_the_grantee_paid_in_full() -> None:
    terms = Terms(D("0.70"), D("100.00"))
    # The cap is used up: a 100.00 line gets no subsidy; 70.00 of the fund's part falls to the
    # grantee. Its credit cancels exactly that: the fund gives nothing back.
    charge = split_line(D("100.00"), terms, D("100.00"))
    assert (charge.fund_share, charge.grantee_share, charge.uncovered) == (D(0), D(100), D(70))
    credit = split_line(D("-100.00"), terms, D("100.00"), charge.uncovered)
    assert (credit.fund_share, credit.grantee_share, credit.uncovered) == (D(0), D(-100), D(-70))


def test_a_credit_beyond_the_unsubsidised_usage_gives_the_rest_back_at_the_rate() -> None:
    # 30.00 unsubsidised so far; a -100.00 credit asks 70.00 back: 30.00 of it cancels the
    # unsubsidised part, 40.00 comes back to the cap.
    credit = split_line(D("-100.00"), Terms(D("0.70"), D("100.00")), D("100.00"), D("30.00"))
    assert (credit.fund_share, credit.grantee_share, credit.uncovered) == (
        D("-40.00"),
        D("-60.00"),
        D("-30.00"),
    )


@settings(max_examples=300)
@given(
    steps=st.lists(st.tuples(st.booleans(), cents), min_size=1, max_size=12),
    rate=rates,
    cap=cents,
)
def test_the_funds_total_is_the_rate_of_all_lines_so_far_capped_whatever_the_credits(
    steps: list[tuple[bool, Decimal]], rate: Decimal, cap: Decimal
) -> None:
    """Any run of lines and credits (never crediting more than was charged) leaves the fund at
    min(Σ rate × line, cap) and the grantee at the rest, line by line. (Σ is floored at zero: a
    credit's rate × amount, rounded on its own, can ask a cent more than its lines gave.)"""
    terms = Terms(rate, cap)
    listed = used = unsubsidised = wanted = D(0)
    for is_credit, amount in steps:
        line = -min(amount, listed) if is_credit else amount
        split = split_line(line, terms, used, unsubsidised)
        listed += line
        used += split.fund_share
        unsubsidised += split.uncovered
        wanted = max(wanted + round_money(rate * line), D(0))
        assert split.fund_share + split.grantee_share == line
        assert used == min(wanted, cap)
        assert used >= 0
