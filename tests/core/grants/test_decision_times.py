"""Submission-to-decision times per call: the median and the 90th percentile by nearest rank, in
days to one decimal."""

import datetime as dt
from decimal import Decimal

from aisc.core.grants.decision_times import DecisionTimes, summarise

D = Decimal


def days(*values: float) -> list[dt.timedelta]:
    return [dt.timedelta(days=v) for v in values]


def test_nothing_decided_has_no_figures() -> None:
    assert summarise([]) is None


def test_an_odd_count_takes_the_middle_wait_and_the_nearest_rank_for_p90() -> None:
    assert summarise(days(30, 10, 20)) == DecisionTimes(
        3, D("20.0"), D("30.0"), D("28800.0"), D("43200.0")
    )


def test_an_even_count_averages_the_two_middle_waits() -> None:
    found = summarise(days(*range(1, 11)))
    assert found == DecisionTimes(10, D("5.5"), D("9.0"), D("7920.0"), D("12960.0"))


def test_waits_are_rounded_to_a_tenth_of_a_day_and_never_negative() -> None:
    found = summarise([dt.timedelta(hours=36), dt.timedelta(hours=-5)])
    assert found == DecisionTimes(2, D("0.8"), D("1.5"), D("1080.0"), D("2160.0"))


def test_the_fast_lane_is_told_in_minutes_where_days_would_read_zero() -> None:
    found = summarise([dt.timedelta(seconds=3), dt.timedelta(minutes=4), dt.timedelta(minutes=2)])
    assert found is not None
    assert (found.median_days, found.median_minutes, found.p90_minutes) == (
        D("0.0"),
        D("2.0"),
        D("4.0"),
    )
