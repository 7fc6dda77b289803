"""The capacity guard's arithmetic: spreading conserves an allocation's GPU-hours, each month
gets its share of the days to the hundredth, and the guard refuses exactly what goes over."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.allocations import capacity
from aisc.core.allocations.capacity import Commitment, months_between
from aisc.core.errors import RuleViolation

D = Decimal
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
hours = st.integers(0, 10**10).map(lambda h: Decimal(h) / 100)


@settings(max_examples=200)
@given(first=days, length=st.integers(0, 800), total=hours)
def test_spreading_keeps_every_hundredth_of_the_allocation(
    first: dt.date, length: int, total: Decimal
) -> None:
    last = first + dt.timedelta(days=length)
    c = Commitment("p1", "h800", total, first, last)
    parts = capacity.spread(c)
    assert list(parts) == months_between(first, last)
    assert sum(parts.values(), D(0)) == total
    span = length + 1
    for (y, m), part in parts.items():
        lo = max(first, dt.date(y, m, 1))
        hi = min(last, dt.date(y, m, calendar.monthrange(y, m)[1]))
        exact = total * ((hi - lo).days + 1) / span
        assert abs(part - exact) <= D("0.01")  # its share of the days, to the hundredth
        assert part >= 0


def test_a_commitment_whose_months_each_round_down_still_adds_up() -> None:
    # 1.00 h over 31 Jan - 1 Mar 2026 (30 days): 1 day in January, 28 in February, 1 in March.
    # Each month alone: 0.0333 -> 0.03, 0.9333 -> 0.93, 0.0333 -> 0.03, i.e. 0.99 in all.
    # Running totals: 0.03 by January, 0.97 by February, 1.00 by March.
    c = Commitment("p1", "h800", D("1.00"), dt.date(2026, 1, 31), dt.date(2026, 3, 1))
    assert capacity.spread(c) == {(2026, 1): D("0.03"), (2026, 2): D("0.94"), (2026, 3): D("0.03")}


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2026, 12, 31), dt.date(2027, 1, 1), [(2026, 12), (2027, 1)]),
        (dt.date(2026, 3, 5), dt.date(2026, 3, 5), [(2026, 3)]),
        (
            dt.date(2026, 11, 30),
            dt.date(2027, 2, 1),
            [(2026, 11), (2026, 12), (2027, 1), (2027, 2)],
        ),
        (dt.date(2026, 4, 1), dt.date(2026, 3, 31), []),
    ],
)
def test_months_between_lists_each_calendar_month_touched(
    start: dt.date, end: dt.date, months: list[tuple[int, int]]
) -> None:
    assert months_between(start, end) == months


@settings(max_examples=150)
@given(
    gpus=st.integers(1, 64),
    factor=st.integers(50, 300).map(lambda p: Decimal(p) / 100),
    asked=hours,
    month=st.integers(1, 12),
)
def test_the_guard_refuses_a_whole_month_commitment_exactly_when_it_passes_the_limit(
    gpus: int, factor: Decimal, asked: Decimal, month: int
) -> None:
    first = dt.date(2026, month, 1)
    last = dt.date(2026, month, calendar.monthrange(2026, month)[1])
    limit = (D(gpus * 24 * last.day) * factor).quantize(D("0.01"))
    new = Commitment("p9", "h800", asked, first, last)
    if asked <= limit:
        capacity.check(new, [], {"h800": gpus}, factor)
    else:
        with pytest.raises(RuleViolation, match=f"above the limit of {limit}") as err:
            capacity.check(new, [], {"h800": gpus}, factor)
        assert err.value.field == "gpu_hours"


@settings(max_examples=100)
@given(st.lists(st.tuples(days, st.integers(0, 90), hours), max_size=6))
def test_the_report_commits_in_each_month_the_sum_of_the_spread_commitments(
    rows: list[tuple[dt.date, int, Decimal]],
) -> None:
    commitments = [
        Commitment(f"p{i}", "h800", h, d, d + dt.timedelta(days=n))
        for i, (d, n, h) in enumerate(rows)
    ]
    months = sorted({m for c in commitments for m in capacity.spread(c)})
    report = capacity.report(commitments, {"h800": 8}, D(1), months)
    assert [r.month for r in report] == months
    assert sum((r.committed_hours for r in report), D(0)) == sum((h for *_, h in rows), D(0))
    for r in report:
        assert r.capacity_hours == 8 * 24 * calendar.monthrange(*r.month)[1]
        assert r.over == (r.committed_hours > r.limit_hours)
