"""Alert levels: reached levels only grow with use, and a run of alerts sends each level once."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.billing.alerts import LEVELS, level_reached, new_levels

D = Decimal
amounts = st.integers(min_value=0, max_value=10**8).map(lambda c: Decimal(c) / 100)


@pytest.mark.parametrize(
    ("used", "limit", "level"),
    [
        ("79.99", "100", 0),
        ("80", "100", 80),  # 80 x 100 >= 100 x 80: reached exactly at the level
        ("99.99", "100", 80),
        ("100", "100", 100),
        ("250", "100", 100),
        ("0.8", "1", 80),
        ("799999.99", "1000000", 0),  # one cent short of 80 % of a million
        ("0", "0", 0),  # nothing released and nothing used: no alert
        ("0.01", "0", 100),  # any use of nothing is all of it
        ("0.01", "-5", 100),  # a negative limit (over-exchanged) counts as nothing left
    ],
)
def test_it_reports_the_level_reached_as_worked_by_hand(used: str, limit: str, level: int) -> None:
    assert level_reached(D(used), D(limit)) == level


@settings(max_examples=200)
@given(a=amounts, b=amounts, limit=amounts)
def test_the_level_reached_never_falls_as_use_grows(a: Decimal, b: Decimal, limit: Decimal) -> None:
    low, high = sorted((a, b))
    assert level_reached(low, limit) <= level_reached(high, limit)
    assert level_reached(low, limit) in (0, *LEVELS)


@settings(max_examples=200)
@given(used=st.lists(amounts, min_size=1, max_size=12), limit=amounts)
def test_alerts_over_a_run_of_readings_send_each_level_reached_once_in_order(
    used: list[Decimal], limit: Decimal
) -> None:
    sent: list[int] = []
    running = D(0)
    for amount in used:  # usage accumulates reading after reading
        running += amount
        fresh = new_levels(max(sent, default=0), running, limit)
        assert fresh == sorted(fresh)
        sent.extend(fresh)
    assert sent == [level for level in LEVELS if level <= level_reached(running, limit)]


@pytest.mark.parametrize(
    ("already", "used", "levels"),
    [
        (0, "50", []),
        (0, "85", [80]),
        (0, "100", [80, 100]),  # both crossed at once: both sent, lowest first
        (80, "100", [100]),
        (100, "120", []),  # never twice
        (100, "10", []),  # use went down (a credit): nothing is unsent or resent
    ],
)
def test_new_levels_are_those_crossed_since_the_last_alert(
    already: int, used: str, levels: list[int]
) -> None:
    assert new_levels(already, D(used), D("100")) == levels
