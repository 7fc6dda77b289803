"""The sliding-window rate limit's arithmetic."""

from __future__ import annotations

import pytest

from aisc.core.ratelimit import Window, allows, estimate, retry_after


def test_a_moment_falls_in_the_window_it_divides_into() -> None:
    window = Window.at(125.0, 60)
    assert window.slot == 2
    assert window.fraction == pytest.approx(5 / 60)
    assert Window.at(120.0, 60) == Window(2, 0.0)


def test_the_previous_window_weighs_by_the_part_still_inside_the_sliding_window() -> None:
    assert estimate(count=2, previous=10, fraction=0.25) == pytest.approx(9.5)
    assert estimate(count=2, previous=10, fraction=0.0) == 12


def test_requests_up_to_the_limit_are_allowed_and_the_next_is_not() -> None:
    assert [allows(n, 0, 0.5, 3) for n in (1, 2, 3, 4)] == [True, True, True, False]


def test_a_full_previous_window_refuses_a_burst_at_the_start_of_the_next() -> None:
    assert not allows(count=1, previous=3, fraction=0.1, limit=3)
    assert allows(count=1, previous=3, fraction=0.7, limit=3)


def test_it_waits_into_the_next_window_when_this_one_is_full() -> None:
    # 2 of 2 counted 15 s into a minute: 45 s to the next minute, then half of it (30 s)
    # until the 2 weigh 1.
    assert retry_after(count=2, previous=0, fraction=0.25, limit=2, duration=60) == 75


def test_it_waits_for_the_previous_window_to_slide_out_when_this_one_has_room() -> None:
    # 1 counted now, 4 before, limit 3: the 4 must weigh at most 1, i.e. 3/4 of the window
    # elapsed; a quarter has.
    assert retry_after(count=1, previous=4, fraction=0.25, limit=3, duration=60) == 30


def test_it_never_says_to_wait_less_than_a_second() -> None:
    assert retry_after(count=0, previous=0, fraction=0.5, limit=3, duration=60) == 1
    assert retry_after(count=1, previous=4, fraction=0.7499999, limit=3, duration=60) == 1
