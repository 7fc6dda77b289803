import datetime as dt

import pytest

from aisc.core.clock import UTC, FrozenClock, SimClock, SystemClock

T0 = dt.datetime(2026, 1, 1, tzinfo=UTC)


def test_the_system_clock_is_timezone_aware() -> None:
    assert SystemClock().now().tzinfo is not None


def test_a_frozen_clock_stands_still_until_moved() -> None:
    clock = FrozenClock(T0)
    assert clock.now() == clock.now() == T0
    clock.advance(dt.timedelta(hours=1))
    assert clock.now() == T0 + dt.timedelta(hours=1)
    clock.set(T0)
    assert clock.now() == T0


def test_a_frozen_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(dt.datetime(2026, 1, 1))
    clock = FrozenClock(T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(dt.datetime(2026, 1, 1))


def test_a_sim_clock_counts_seconds_from_its_epoch() -> None:
    clock = SimClock(T0, seconds=90.0)
    assert clock.now() == T0 + dt.timedelta(seconds=90)
