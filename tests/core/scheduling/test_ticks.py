"""A thread's clock: a plain period, or through logged anchors with each gap split evenly."""

import pytest

from aisc.core.scheduling.ticks import Ticks


def test_a_plain_clock_ticks_every_period_from_its_origin() -> None:
    clock = Ticks(5.0, origin=2.0)
    assert clock.at_or_after(7.0) == 7.0
    assert clock.after(7.0) == 12.0
    assert clock.at_or_after(7.5) == 12.0
    assert clock.after(-4.0) == -3.0  # before the origin too


def test_an_anchored_clock_passes_through_every_anchor_splitting_gaps_into_whole_periods() -> None:
    # 0 -> 10.03 is two periods of 5.015; 10.03 -> 13.0 one period of 2.97 (rounded to 1).
    clock = Ticks(5.0, anchors=(0.0, 10.03, 13.0))
    assert clock.after(0.0) == pytest.approx(5.015)
    assert clock.at_or_after(5.1) == pytest.approx(10.03)
    assert clock.at_or_after(10.03) == pytest.approx(10.03)
    assert clock.after(10.03) == pytest.approx(13.0)
    assert clock.after(13.0) == pytest.approx(18.0)  # past the last anchor: the period
    assert clock.at_or_after(-7.0) == pytest.approx(-5.0)  # before the first: the period


def test_a_tick_within_a_millionth_of_a_period_counts_as_now() -> None:
    clock = Ticks(1.0, anchors=(0.0, 3.0))
    assert clock.at_or_after(2.0000000001) == pytest.approx(2.0)
    assert clock.after(1.9999999999) == pytest.approx(3.0)
