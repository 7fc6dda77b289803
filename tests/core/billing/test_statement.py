"""Statements: totals are sums of rounded lines, line order is canonical, the cap carries over."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.billing.rating import ChargeLine, LineKey
from aisc.core.billing.split import Terms
from aisc.core.billing.statement import build_statement, totals

D = Decimal
rates = st.integers(min_value=0, max_value=100).map(lambda p: Decimal(p) / 100)
caps = st.integers(min_value=0, max_value=10**6).map(lambda c: Decimal(c) / 100)
charge_rows = st.lists(
    st.tuples(
        st.sampled_from(["gpu", "ib", "long"]),
        st.sampled_from([D("20"), D("18.5"), D("33.33")]),  # list price per GPU-hour
        st.sampled_from([D("0"), D("2"), D("0.01")]),  # premium per GPU-hour
        st.booleans(),  # late
        st.integers(min_value=-(10**5), max_value=10**6),  # GPU-seconds (credits are negative)
    ),
    max_size=8,
    unique_by=lambda row: row[:4],  # rating makes one line per key
)


def lines_of(rows: list[tuple[str, Decimal, Decimal, bool, int]]) -> list[ChargeLine]:
    return [
        ChargeLine(LineKey("p1", "h800", part, price, late, premium), seconds)
        for part, price, premium, late, seconds in rows
    ]


@settings(max_examples=150)
@given(rows=charge_rows, rate=rates, cap=caps, shuffle=st.randoms(use_true_random=False))
def test_a_statement_does_not_depend_on_the_order_its_charges_come_in(
    rows: list[tuple[str, Decimal, Decimal, bool, int]],
    rate: Decimal,
    cap: Decimal,
    shuffle: random.Random,
) -> None:
    charges = lines_of(rows)
    shuffled = list(charges)
    shuffle.shuffle(shuffled)
    terms = Terms(rate, cap)
    assert build_statement("p1", charges, terms, D(0)) == build_statement(
        "p1", shuffled, terms, D(0)
    )


@settings(max_examples=150)
@given(rows=charge_rows, rate=rates, cap=caps, used=caps)
def test_every_total_of_a_statement_is_the_sum_of_its_rounded_lines(
    rows: list[tuple[str, Decimal, Decimal, bool, int]], rate: Decimal, cap: Decimal, used: Decimal
) -> None:
    s = build_statement("p1", lines_of(rows), Terms(rate, cap), used)
    assert s.list_amount == sum((ln.charge.list_amount for ln in s.lines), D(0))
    assert s.premium == sum((ln.charge.premium_amount for ln in s.lines), D(0))
    assert s.subsidy == sum((ln.split.fund_share for ln in s.lines), D(0))
    assert s.gpu_seconds == sum(seconds for *_, seconds in rows)
    # What the line costs is shared between the fund and the grantee, on each line and in total.
    for line in s.lines:
        assert line.charged == line.split.fund_share + line.due
    assert s.list_amount + s.premium == s.subsidy + s.due
    assert s.cap_reached == any(ln.split.capped for ln in s.lines)


@settings(max_examples=150)
@given(rows=charge_rows, rate=rates, cap=caps, cut=st.integers(0, 8))
def test_billing_in_two_periods_carrying_the_cap_used_and_unsubsidised_pays_what_one_would(
    rows: list[tuple[str, Decimal, Decimal, bool, int]], rate: Decimal, cap: Decimal, cut: int
) -> None:
    charges = sorted(lines_of(rows), key=lambda c: c.key)
    terms = Terms(rate, cap)
    whole = build_statement("p1", charges, terms, D(0))
    first = build_statement("p1", charges[:cut], terms, D(0))
    second = build_statement("p1", charges[cut:], terms, first.subsidy, first.unsubsidised)
    assert first.subsidy + second.subsidy == whole.subsidy
    assert first.due + second.due == whole.due


@settings(max_examples=150)
@given(rows=charge_rows, rate=rates, cap=caps, used=caps)
def test_the_subsidy_of_positive_lines_never_takes_the_cap_used_past_the_cap(
    rows: list[tuple[str, Decimal, Decimal, bool, int]], rate: Decimal, cap: Decimal, used: Decimal
) -> None:
    positive = [(p, pr, pm, late, abs(s)) for p, pr, pm, late, s in rows]
    s = build_statement("p1", lines_of(positive), Terms(rate, cap), used)
    assert s.subsidy >= 0
    assert used + s.subsidy <= max(cap, used)


def test_a_statement_lists_its_lines_in_key_order_as_worked_by_hand() -> None:
    # 'gpu' < 'ib' and late lines sort after on-time ones of the same price.
    charges = [
        ChargeLine(LineKey("p1", "h800", "ib", D("20"), False), 3600),
        ChargeLine(LineKey("p1", "h800", "gpu", D("20"), True), 3600),
        ChargeLine(LineKey("p1", "h800", "gpu", D("20"), False), 3600),
    ]
    s = build_statement("p1", charges, None, D(0))
    assert [(ln.charge.key.partition, ln.charge.key.late) for ln in s.lines] == [
        ("gpu", False),
        ("gpu", True),
        ("ib", False),
    ]


def test_a_statement_worked_by_hand_with_a_premium_a_credit_and_the_cap() -> None:
    # Cap 50.00 with 10.00 used before; rate 0.70.
    # gpu: 2 h x 20 = 40.00 -> fund 28.00 (room 40.00), grantee 12.00.
    # ib : 1 h x 20 = 20.00, premium 1 h x 2 = 2.00 -> fund wants 14.00, room 12.00: 12.00, capped.
    # long: -0.5 h x 20 = -10.00 -> 70 % = 7.00 back, but the cap had left 2.00 of ib's subsidy to
    # the grantee: the credit cancels that first, so the fund gives back 5.00, the grantee -5.00.
    # In all: 50.00 list, 70 % = 35.00 subsidy (under the cap), as one uncapped line would give.
    charges = [
        ChargeLine(LineKey("p1", "h800", "gpu", D("20"), False), 7200),
        ChargeLine(LineKey("p1", "h800", "ib", D("20"), False, D("2")), 3600),
        ChargeLine(LineKey("p1", "h800", "long", D("20"), False), -1800),
    ]
    s = build_statement("p1", charges, Terms(D("0.70"), D("50.00")), D("10.00"))
    assert [ln.split.fund_share for ln in s.lines] == [D("28.00"), D("12.00"), D("-5.00")]
    assert [ln.due for ln in s.lines] == [D("12.00"), D("10.00"), D("-5.00")]
    assert (s.list_amount, s.premium, s.subsidy, s.due) == (
        D("50.00"),
        D("2.00"),
        D("35.00"),
        D("17.00"),
    )
    assert s.unsubsidised == D("0.00")
    assert s.cap_reached
    assert s.cap_used_before == D("10.00")
    assert s.gpu_seconds == 9000


@settings(max_examples=100)
@given(st.lists(st.tuples(charge_rows, rates, caps), max_size=4))
def test_totals_over_statements_are_the_sums_of_their_figures(
    groups: list[tuple[list[tuple[str, Decimal, Decimal, bool, int]], Decimal, Decimal]],
) -> None:
    statements = [
        build_statement(f"p{i}", lines_of(rows), Terms(rate, cap), D(0))
        for i, (rows, rate, cap) in enumerate(groups)
    ]
    t = totals(statements)
    assert t.list_amount == sum((s.list_amount for s in statements), D(0))
    assert t.premium == sum((s.premium for s in statements), D(0))
    assert t.subsidy == sum((s.subsidy for s in statements), D(0))
    assert t.due == sum((s.due for s in statements), D(0))
    assert t.gpu_seconds == sum(s.gpu_seconds for s in statements)
    assert t.list_amount + t.premium == t.subsidy + t.due
